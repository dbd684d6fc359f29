import { packageVitestConfig } from '@pabnn/config/vitest';

// The ONNX backend cases also run on webgpu: Dawn with the SwiftShader Vulkan driver from
// Debian's chromium-common, as in @pabnn/backend-webgpu (a real GPU's driver is used where set).
export default packageVitestConfig({
  env: {
    VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
  },
});
