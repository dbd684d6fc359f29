export function cacheDir(): string;
export function npmPackageFiles(spec: string, paths: string[]): string;
export function resnet50ModelJson(): string;
