using Xunit;

// Each test runs a real multiplexer with real worker processes on a 2-core machine: one at a time
// keeps their timing honest and their port ranges apart.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
