// Placeholder: the client benchmark runner lands here shortly (issue 10).
console.log('core bench: not implemented yet')
