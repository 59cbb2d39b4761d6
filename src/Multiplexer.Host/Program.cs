using System.CommandLine;
using Multiplexer.Host.Cli;

return await MultiplexerCommandLine.Build().Parse(args).InvokeAsync();
