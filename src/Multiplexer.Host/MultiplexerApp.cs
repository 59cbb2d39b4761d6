using Multiplexer.Actors.Config;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;
using Multiplexer.Host.Admin;
using Multiplexer.Host.Hosting;
using Multiplexer.Host.Logging;
using Multiplexer.Host.Metrics;
using Multiplexer.Host.Proxy;
using Multiplexer.Host.Reload;
using Multiplexer.Host.Warmup;

namespace Multiplexer.Host;

/// <summary>The multiplexer from validated settings: the pre-flight checks, then the host as a list of features.</summary>
internal static class MultiplexerApp
{
    public static async Task<int> RunAsync(MultiplexerSettings settings)
    {
        var owner = WorkerOwner.For(settings.SourcePath);
        var launcher = new WorkerProcessLauncher(owner);
        var app = Build(settings, launcher);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Multiplexer");
        if (new PreFlight(settings, owner, TcpPortProbe.Instance, log).Run() is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return ExitCodes.BadConfiguration;
        }
        try
        {
            await app.RunAsync();
        }
        finally
        {
            // Backstop: whatever the shutdown path, no worker outlives the multiplexer.
            launcher.KillAll();
        }
        return ExitCodes.Success;
    }

    private static WebApplication Build(MultiplexerSettings settings, WorkerProcessLauncher launcher)
    {
        // The multiplexer reads no appsettings.json; left on, its reload watches the working directory and
        // everything below it, and each write there (a log file, say) wakes a thread.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        LoggingSetup.Configure(builder.Logging, settings.Logging);
        // Hosted services start in this order: the actor system, the warm-up, then the SIGHUP handler.
        builder.Services
            .AddSystemd()
            .AddShutdownDelay()
            .AddSingleton(new LiveSettings(settings))
            .AddKestrelLimits(settings.Http)
            .AddActorTopology(settings, launcher)
            .AddPoolWarmup()
            .AddPrometheusMetrics()
            .AddProxy(settings.Http)
            .AddReload()
            .AddAdmin(settings.Admin);

        var app = builder.Build();
        app.MapAdmin(settings.Admin);
        app.MapProxy();
        return app;
    }
}
