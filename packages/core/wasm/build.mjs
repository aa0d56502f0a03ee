console.log("wasm build: no kernels yet");
