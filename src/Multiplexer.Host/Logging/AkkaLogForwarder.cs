using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Multiplexer.Host.Logging;

/// <summary>
/// Akka's logger: each log event becomes one Microsoft.Extensions.Logging entry, its message Akka's
/// template with its values and its category the path of the actor that logged, with no prefix of Akka's own.
/// </summary>
internal sealed class AkkaLogForwarder : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private static readonly Func<ActorLogState, Exception?, string> Format = static (state, _) => state.Message;

    private readonly ILogger _log;

    public AkkaLogForwarder()
    {
        // Akka.Hosting puts the host's logger factory into the actor system's setup.
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        if (!setup.HasValue)
        {
            throw new InvalidOperationException($"{nameof(AkkaLogForwarder)} needs Akka.Hosting's {nameof(LoggerFactorySetup)}");
        }
        _log = setup.Value.LoggerFactory.CreateLogger("Akka");
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent logEvent:
                var level = Level(logEvent.LogLevel());
                if (_log.IsEnabled(level))
                {
                    _log.Log(level, default, ActorLogState.From(logEvent), logEvent.Cause, Format);
                }
                return true;
            default:
                return false;
        }
    }

    private static LogLevel Level(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
