using System.CommandLine;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Config.Seed;
using Multiplexer.Host.Hosting;

namespace Multiplexer.Host.Cli;

/// <summary>
/// The commands: <c>multiplexer [run] [CONFIG]</c>, <c>multiplexer check [CONFIG]</c> and
/// <c>multiplexer convert CONFIG.exs</c>, plus System.CommandLine's <c>--help</c> and <c>--version</c>
/// (the entry assembly's informational version). CONFIG is HOCON, or a <c>.exs</c> config of the
/// Elixir original, converted in memory.
/// </summary>
internal static class MultiplexerCommandLine
{
    private const string DefaultConfig = "multiplexer.hocon";

    public static RootCommand Build()
    {
        // Hidden so that it does not show in every subcommand's usage line; the description mentions it.
        var rootConfig = ConfigArgument();
        rootConfig.Hidden = true;
        var root = new RootCommand(
            "Multiplexer: a pool of single-threaded HTTP services behind one streaming reverse proxy.\n"
            + $"'multiplexer [CONFIG]' is short for 'multiplexer run [CONFIG]'. CONFIG defaults to {DefaultConfig}.")
        {
            rootConfig,
        };
        root.SetAction((parse, _) => RunAsync(parse, parse.GetValue(rootConfig)!));

        var runConfig = ConfigArgument();
        var run = new Command("run", "Run the multiplexer (the default command)") { runConfig };
        run.SetAction((parse, _) => RunAsync(parse, parse.GetValue(runConfig)!));

        var checkConfig = ConfigArgument();
        var check = new Command("check", "Validate the configuration and print it with every default filled in") { checkConfig };
        check.SetAction(parse => Check(parse, parse.GetValue(checkConfig)!));

        var seedConfig = new Argument<string>("config.exs")
        {
            Description = "A config.exs of the Elixir original",
        };
        var convert = new Command("convert", "Print the multiplexer.hocon equivalent to a config.exs of the Elixir original")
        {
            seedConfig,
        };
        convert.SetAction(parse => Convert(parse, parse.GetValue(seedConfig)!));

        root.Subcommands.Add(run);
        root.Subcommands.Add(check);
        root.Subcommands.Add(convert);
        return root;
    }

    private static Argument<string> ConfigArgument() => new("config")
    {
        Description = "Configuration file: HOCON, or a config.exs of the Elixir original",
        DefaultValueFactory = _ => DefaultConfig,
    };

    private static async Task<int> RunAsync(ParseResult parse, string path)
    {
        MultiplexerSettings settings;
        try
        {
            settings = SettingsLoader.Load(path);
        }
        catch (SettingsException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"multiplexer: bad configuration: {ex.Message}");
            return ExitCodes.BadConfiguration;
        }

        return await MultiplexerApp.RunAsync(settings);
    }

    private static int Check(ParseResult parse, string path)
    {
        try
        {
            parse.InvocationConfiguration.Output.Write(SettingsLoader.Render(SettingsLoader.Load(path)));
            return ExitCodes.Success;
        }
        catch (SettingsException ex)
        {
            return Report(parse, ex);
        }
    }

    private static int Convert(ParseResult parse, string path)
    {
        try
        {
            var (text, fullPath) = ReadFile(path);
            var conversion = SeedConfig.Convert(text, path);
            conversion.ToSettings(Path.GetDirectoryName(fullPath) ?? "/", fullPath); // only what loads is worth printing
            parse.InvocationConfiguration.Output.Write(conversion.Hocon);
            return ExitCodes.Success;
        }
        catch (SettingsException ex)
        {
            return Report(parse, ex);
        }
    }

    private static (string Text, string FullPath) ReadFile(string path)
    {
        try
        {
            var fullPath = Path.GetFullPath(path);
            return (File.ReadAllText(fullPath), fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsException(path, $"{path}: cannot read file ({e.Message})", e);
        }
    }

    // Every error on a line of its own, each already "key: problem", so all can be fixed at once.
    private static int Report(ParseResult parse, SettingsException ex)
    {
        foreach (var error in ex.Errors)
        {
            parse.InvocationConfiguration.Error.WriteLine(error);
        }

        return ExitCodes.BadConfiguration;
    }
}
