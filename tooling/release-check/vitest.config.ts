import { packageVitestConfig } from '@pabnn/config/vitest';

export default packageVitestConfig();
