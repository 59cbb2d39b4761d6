using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Multiplexer.Host.Logging;

/// <summary>
/// The console logger's lines (its formatter, chosen by its options: simple, json or systemd) written to
/// stdout in batches rather than a write per line from a thread woken for each.
/// </summary>
internal sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private static readonly Counter Dropped = Prometheus.Metrics.CreateCounter("multiplexer_log_dropped_total",
        "Log lines dropped because stdout did not take them fast enough.");

    private readonly ConsoleFormatter _formatter;
    private readonly StdoutBatcher _batcher;
    private IExternalScopeProvider? _scopes;

    public BatchedConsoleLoggerProvider(IOptions<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
    {
        _formatter = formatters.First(f => f.Name == options.Value.FormatterName);
        _batcher = new StdoutBatcher(Console.OpenStandardOutput(), () => Dropped.Inc());
        // Whatever ends the process, what is buffered is written first.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _batcher.Dispose();
    }

    public ILogger CreateLogger(string categoryName) => new BatchedConsoleLogger(categoryName, _formatter, _batcher, () => _scopes);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _batcher.Dispose();
}
