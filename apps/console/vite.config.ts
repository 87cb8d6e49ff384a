import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Served by the gateway at /console under `script-src 'self'`: no inline scripts, so no
// modulepreload polyfill (Vite would inline it) and every asset content-hashed under assets/.
export default defineConfig({
  root: import.meta.dirname,
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
});
