using System.CommandLine;
using Multiplexer.Actors.Config;
using Multiplexer.Host.Hosting;

var configArgument = new Argument<string>("config")
{
    Description = "Path of the HOCON configuration file",
    DefaultValueFactory = _ => "multiplexer.hocon",
};
var root = new RootCommand("Multiplexer: a pool of single-threaded HTTP services behind one streaming reverse proxy")
{
    configArgument,
};
root.SetAction(async (parse, _) =>
{
    MultiplexerSettings settings;
    try
    {
        settings = SettingsLoader.Load(parse.GetValue(configArgument)!);
    }
    catch (SettingsException ex)
    {
        await Console.Error.WriteLineAsync($"multiplexer: bad configuration: {ex.Message}");
        return 2;
    }
    return await MultiplexerApp.RunAsync(settings);
});
return await root.Parse(args).InvokeAsync();
