// CommonJS (a .cjs file, as a .js file is in a package without "type": "module"): no
// top-level await and no import statement, but a dynamic import() inside a function.
async function main() {
  const nn = await import('wasmnn');
  await nn.ready();
  console.log(JSON.stringify({ backend: nn.getBackend() }));
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
