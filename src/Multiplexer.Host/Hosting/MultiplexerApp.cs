using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Logging.Console;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Workers;
using Multiplexer.Host.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Hosting;

/// <summary>Wires the actor system, Kestrel and the proxy endpoint from validated settings.</summary>
internal static class MultiplexerApp
{
    // Akka's own CLR shutdown hook would terminate the actor system on SIGTERM before Kestrel has
    // drained in-flight requests; the host's shutdown runs coordinated shutdown in the right order.
    private const string AkkaDefaults = """
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.loglevel = INFO
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """;

    public static async Task<int> RunAsync(MultiplexerSettings settings)
    {
        using var launcher = new WorkerProcessLauncher();
        var app = Build(settings, launcher);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Multiplexer");
        foreach (var stale in StaleProcessKiller.Kill(settings.Service.KillPattern))
        {
            HostLog.KilledStaleProcess(log, stale.Pid, stale.CommandLine);
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
        return 0;
    }

    public static WebApplication Build(MultiplexerSettings settings, WorkerProcessLauncher launcher)
    {
        var builder = WebApplication.CreateSlimBuilder();
        ConfigureLogging(builder.Logging);
        // Bounds Kestrel's drain of in-flight requests; Akka's coordinated shutdown, which stops the
        // workers, runs after it whatever the remaining time.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Http.DrainTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.Http.MaxRequestBody;
            var address = settings.Http.Bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(settings.Http.Bind);
            kestrel.Listen(address, settings.Http.Port);
        });

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(launcher);
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(_ => WorkerInvoker.Create());
        builder.Services.AddAkka("multiplexer", (akka, _) =>
        {
            akka.AddHocon(settings.Hocon, HoconAddMode.Prepend)
                .AddHocon(AkkaDefaults + StopPhaseTimeout(settings), HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .WithActors((system, registry) =>
                {
                    var ports = system.ActorOf(PortRingActor.Props(settings.Service.PortRange, TcpPortProbe.Instance), "ports");
                    var pool = system.ActorOf(PoolActor.Props(settings.Pool, settings.Service, ports, launcher), "pool");
                    registry.Register<PoolActor>(pool);
                    CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-workers", async () =>
                    {
                        await pool.Ask<PoolStopped>(StopPool.Instance, settings.Service.StopTimeout);
                        await launcher.StopAllAsync(settings.Service.StopTimeout);
                        return Akka.Done.Instance;
                    });
                });
        });
        builder.Services.AddSingleton(sp => new ProxyEndpoint(
            sp.GetRequiredService<IRequiredActor<PoolActor>>().ActorRef,
            sp.GetRequiredService<IHttpForwarder>(),
            sp.GetRequiredService<HttpMessageInvoker>(),
            settings,
            sp.GetRequiredService<ILoggerFactory>()));

        var app = builder.Build();
        // Resolved at the first request: the pool actor exists only once the host has started.
        app.Map("{**path}", context => context.RequestServices.GetRequiredService<ProxyEndpoint>().HandleAsync(context));
        return app;
    }

    private static string StopPhaseTimeout(MultiplexerSettings settings) =>
        $"\nakka.coordinated-shutdown.phases.service-stop.timeout = {(int)(settings.Service.StopTimeout.TotalMilliseconds * 2 + 2000)}ms\n";

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Yarp", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
    }
}
