// Refuses to install, test or start Patchbay on a Node older than package.json's engines, with
// one line that says which Node is needed and how to get it. Plain old syntax on purpose: this
// runs first, under whatever Node the machine has (npm's preinstall and the dev, start and test scripts).
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, so any old Node can run it */
"use strict";
var fs = require("fs");
var path = require("path");

/** [major, minor] of "24", "24.1" or "24.1.0". */
function parse(version) {
  var match = /^v?(\d+)(?:\.(\d+))?/.exec(version);
  return match ? [Number(match[1]), Number(match[2] || 0)] : undefined;
}

/** The minimum from engines.node (">=24"). */
function required() {
  var manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
  return /^>=\s*(\d+(?:\.\d+)?)/.exec(manifest.engines.node)[1];
}

/** The one line to print for this Node version, or undefined when it is new enough. */
function problem(version, minimum) {
  var have = parse(version);
  var need = parse(minimum);
  if (have && (have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]))) return undefined;
  return (
    "Patchbay needs Node >= " +
    minimum +
    "; this is Node " +
    version +
    ". Get it with `nvm install` (reads .nvmrc) or `. .ci/node24.sh`, then run the command again."
  );
}

module.exports = { problem: problem, required: required };

if (require.main === module) {
  var message = problem(process.versions.node, required());
  if (message) {
    console.error(message);
    process.exit(1);
  }
}
