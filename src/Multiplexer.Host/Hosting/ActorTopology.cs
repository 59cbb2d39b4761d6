using Akka.Actor;
using Akka.Hosting;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;
using Multiplexer.Host.Logging;

namespace Multiplexer.Host.Hosting;

/// <summary>
/// The actor system: the port ring, the pool under it, and the coordinated-shutdown task that stops the
/// workers once Kestrel has drained. Registers <see cref="PoolActor"/> and <see cref="PortRingActor"/> for the features.
/// </summary>
internal static class ActorTopology
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

    public static IServiceCollection AddActorTopology(this IServiceCollection services, MultiplexerSettings settings, WorkerProcessLauncher launcher) =>
        services
            .AddSingleton(launcher)
            .AddAkka("multiplexer", (akka, _) => Configure(akka, settings, launcher));

    private static void Configure(AkkaConfigurationBuilder akka, MultiplexerSettings settings, WorkerProcessLauncher launcher)
    {
        akka.AddHocon(settings.Hocon, HoconAddMode.Prepend)
            .AddHocon(AkkaDefaults + StopPhaseTimeout(settings), HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = LoggingSetup.AkkaLevel(settings.Logging.Level);
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaLogForwarder>();
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

    // Room for the pool to stop its workers, then for the launcher's backstop, each bounded by stop-timeout.
    private static string StopPhaseTimeout(MultiplexerSettings settings) =>
        $"\nakka.coordinated-shutdown.phases.service-stop.timeout = {(int)(settings.Service.StopTimeout.TotalMilliseconds * 2 + 2000)}ms\n";
}
