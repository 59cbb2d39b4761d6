using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;
using Multiplexer.Host.Admin;
using Multiplexer.Host.Proxy;
using Prometheus;

namespace Multiplexer.Host.Hosting;

/// <summary>Wires the actor system, Kestrel, the proxy endpoint and the admin endpoints from validated settings.</summary>
internal static class MultiplexerApp
{
    // Akka's own CLR shutdown hook would terminate the actor system on SIGTERM before Kestrel has
    // drained in-flight requests; the host's shutdown runs coordinated shutdown in the right order.
    // A 100 ms scheduler tick instead of 10 ms: an idle multiplexer should not wake 100 times a
    // second, and no actor timer here needs finer resolution (readiness is polled on .NET timers).
    private const string AkkaDefaults = """
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.scheduler.tick-duration = 100ms
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """;

    public static async Task<int> RunAsync(MultiplexerSettings settings)
    {
        var owner = WorkerOwner.For(settings.SourcePath);
        var launcher = new WorkerProcessLauncher(owner);
        var app = Build(settings, launcher);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Multiplexer");
        foreach (var stale in StaleProcessKiller.Kill(settings.Service.KillPattern, owner))
        {
            HostLog.KilledStaleProcess(log, stale.Pid, stale.CommandLine);
        }
        var range = settings.Service.PortRange;
        var free = Enumerable.Range(range.First, range.Count).Count(port => !TcpPortProbe.Instance.IsListening(port));
        if (free < settings.Pool.Size)
        {
            await Console.Error.WriteLineAsync(
                $"multiplexer: multiplexer.service.port-range: only {free} of the {range.Count} ports in {range} are free, fewer than size = {settings.Pool.Size}; other processes listen on the rest");
            return 2;
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
        LoggingSetup.Configure(builder.Logging, settings.Logging);
        builder.Services.AddSystemd();
        // Bounds Kestrel's drain of in-flight requests; Akka's coordinated shutdown, which stops the
        // workers, runs after it whatever the remaining time.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Http.DrainTimeout);
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, settings));

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(launcher);
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(_ => WorkerInvoker.Create());
        // Process metrics stay; every .NET meter and event counter would bury the pool's own metrics.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true });
        builder.Services.AddSingleton(Metrics.DefaultRegistry);
        builder.Services.AddSingleton<ProxyMetrics>();
        builder.Services.AddAkka("multiplexer", (akka, _) => ConfigureAkka(akka, settings, launcher));
        builder.Services.AddHostedService<PoolWarmup>();
        builder.Services.AddSingleton<ProxyEndpoint>();
        builder.Services.AddSingleton<ConfigReloader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigReloader>());

        var app = builder.Build();
        if (settings.Admin.Enabled)
        {
            // A branch of its own, chosen by the listening port, not the Host header a client controls.
            var adminPort = settings.Admin.Port;
            app.MapWhen(context => context.Connection.LocalPort == adminPort, admin =>
            {
                admin.UseRouting();
                admin.UseEndpoints(AdminEndpoints.Map);
            });
        }
        // Routing placed after the admin branch, so the catch-all never sees admin requests.
        app.UseRouting();
        // Resolved at the first request: the pool actor exists only once the host has started.
        app.Map("{**path}", context => context.RequestServices.GetRequiredService<ProxyEndpoint>().HandleAsync(context));
        return app;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, MultiplexerSettings settings)
    {
        kestrel.AddServerHeader = false;
        // The forwarder's client reads a worker's header values one character per byte (Latin-1); writing them
        // back the same way passes any bytes through, UTF-8 included, where Kestrel's ASCII-only default made a 502.
        kestrel.ResponseHeaderEncodingSelector = static _ => Encoding.Latin1;
        kestrel.Limits.MaxRequestBodySize = settings.Http.MaxRequestBody;
        // Bad or hostile input is refused here, before any worker is taken. Set explicitly, most of them to
        // Kestrel's defaults, so that they are visible and a framework upgrade cannot move them unnoticed.
        // Header fields over 32 KB in all, or more than 100 of them: 431. A request line over 8 KB: 414.
        kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        kestrel.Limits.MaxRequestHeaderCount = 100;
        // Slowloris: the whole request head must arrive within 10 s (Kestrel's default is 30 s), else 408 and close.
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        // A kept-alive client connection idle for 2 minutes is closed.
        kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
        // A body trickling in slower than 240 B/s after a 5 s grace is cut off (Kestrel's default, kept): with
        // request buffering it would hold a connection and a buffer, without it a worker. Upgraded connections
        // (WebSockets) are exempt; proxy-timeout bounds their silence instead.
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        kestrel.Listen(Address(settings.Http.Bind), settings.Http.Port, listen =>
        {
            if (settings.Http.Tls is { } tls)
            {
                listen.UseHttps(X509Certificate2.CreateFromPemFile(tls.Certificate, tls.Key));
            }
        });
        if (settings.Admin.Enabled)
        {
            kestrel.Listen(Address(settings.Admin.Bind), settings.Admin.Port);
        }
    }

    private static IPAddress Address(string bind) => bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(bind);

    private static void ConfigureAkka(AkkaConfigurationBuilder akka, MultiplexerSettings settings, WorkerProcessLauncher launcher)
    {
        akka.AddHocon(settings.Hocon, HoconAddMode.Prepend)
            .AddHocon(AkkaDefaults + StopPhaseTimeout(settings), HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = LoggingSetup.AkkaLevel(settings.Logging.Level);
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithActors((system, registry) =>
            {
                var ports = system.ActorOf(PortRingActor.Props(settings.Service.PortRange, TcpPortProbe.Instance), "ports");
                var pool = system.ActorOf(PoolActor.Props(settings.Pool, settings.Service, ports, launcher), "pool");
                registry.Register<PoolActor>(pool);
                registry.Register<PortRingActor>(ports);
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-workers", async () =>
                {
                    await pool.Ask<PoolStopped>(StopPool.Instance, settings.Service.StopTimeout);
                    await launcher.StopAllAsync(settings.Service.StopTimeout);
                    return Akka.Done.Instance;
                });
            });
    }

    private static string StopPhaseTimeout(MultiplexerSettings settings) =>
        $"\nakka.coordinated-shutdown.phases.service-stop.timeout = {(int)(settings.Service.StopTimeout.TotalMilliseconds * 2 + 2000)}ms\n";
}
