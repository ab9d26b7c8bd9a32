import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The standalone host serves dist/ at "/" (docs/dashboard.md). No inline script is emitted: the host's
// Content-Security-Policy allows scripts from its own origin only.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    modulePreload: { polyfill: false },
  },
});
