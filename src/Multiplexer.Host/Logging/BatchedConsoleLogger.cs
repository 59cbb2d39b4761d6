using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Multiplexer.Host.Logging;

/// <summary>
/// Formats an entry on the calling thread with the console's own formatter (so lines read as the console
/// logger's do) and hands its UTF-8 bytes to the batcher. Akka's lines show the actor that logged as their
/// category.
/// </summary>
internal sealed class BatchedConsoleLogger(string category, ConsoleFormatter formatter, StdoutBatcher batcher, Func<IExternalScopeProvider?> scopes) : ILogger
{
    private const int RetainedChars = 4 * 1024;

    [ThreadStatic]
    private static StringWriter? t_text;

    [ThreadStatic]
    private static byte[]? t_bytes;

    [ThreadStatic]
    private static Encoder? t_encoder;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => scopes()?.Push(state);

    // The factory's filters have decided by the time an entry arrives here.
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        // One category per actor path would grow the factory's logger cache with every worker ever started.
        var shown = typeof(TState) == typeof(ActorLogState) ? ((ActorLogState)(object)state!).LogSource : category;
        var text = t_text ??= new StringWriter(new StringBuilder(256));
        formatter.Write(new LogEntry<TState>(logLevel, shown, eventId, state, exception, format), scopes(), text);
        var chars = text.GetStringBuilder();
        if (chars.Length == 0)
        {
            return;
        }
        var bytes = Encode(chars);
        batcher.Append(bytes);
        chars.Clear();
        if (chars.Capacity > RetainedChars)
        {
            chars.Capacity = RetainedChars;
        }
    }

    private static ReadOnlySpan<byte> Encode(StringBuilder chars)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(chars.Length);
        var bytes = t_bytes is { } kept && kept.Length >= needed ? kept : null;
        if (bytes is null)
        {
            bytes = new byte[Math.Max(needed, 1024)];
            if (needed <= RetainedChars * 3)
            {
                t_bytes = bytes;
            }
        }
        // An encoder, not one call per chunk: a surrogate pair may straddle two chunks.
        var encoder = t_encoder ??= Encoding.UTF8.GetEncoder();
        var length = 0;
        foreach (var chunk in chars.GetChunks())
        {
            length += encoder.GetBytes(chunk.Span, bytes.AsSpan(length), flush: false);
        }
        length += encoder.GetBytes([], bytes.AsSpan(length), flush: true);
        return bytes.AsSpan(0, length);
    }
}
