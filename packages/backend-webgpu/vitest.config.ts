import { packageVitestConfig } from '@pabnn/config/vitest';

// WebGPU in Node runs on Dawn with the SwiftShader Vulkan driver from Debian's chromium-common
// (installed by tooling/scripts/install-system-deps.sh); a real GPU's driver is used where set.
export default packageVitestConfig({
  env: {
    VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
  },
});
