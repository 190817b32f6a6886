// Does this runtime parse `await using` in plain JavaScript? Prints `native` if it does; a runtime
// that does not fails with a SyntaxError before running anything.
let disposed = false
{
  await using resource = {
    async [Symbol.asyncDispose]() {
      disposed = true
    },
  }
  void resource
}
console.log(disposed ? 'native' : 'not disposed')
