// whatsapp-web.js brings puppeteer, whose install would download a browser: bodega never does.
// Web mode uses the Chromium given in CHROMIUM_PATH (Debian: apt-get install chromium).
module.exports = { skipDownload: true };
