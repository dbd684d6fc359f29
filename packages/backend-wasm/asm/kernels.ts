// The module's entry: every kernel the wasm backend calls.
export { binarize, conv } from './pa-conv';
export { binarizeConvTiled } from './pa-binarize-conv';
export { convTiled } from './pa-conv-tiled';
export { paEpilogueF32, quantizeF32 } from './pa-dequantized';
export { popcountPeak } from './popcount-peak';
export {
  addF32,
  affineF32,
  clipF32,
  conv2dF32,
  denseF32,
  globalAvgPoolF32,
  poolF32,
  reluF32,
} from './float-ops';
