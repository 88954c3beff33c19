// expect: (default export): the list of specs is empty
export default [];
