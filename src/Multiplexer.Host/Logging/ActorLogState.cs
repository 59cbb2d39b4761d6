using System.Collections;
using Akka.Event;

namespace Multiplexer.Host.Logging;

/// <summary>
/// An Akka log event as Microsoft.Extensions.Logging state: the template's named values, the actor's path as
/// <c>LogSource</c>, and the template itself as <c>{OriginalFormat}</c>, as source-generated log calls carry them.
/// </summary>
internal sealed class ActorLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values;

    private ActorLogState(string logSource, string message, KeyValuePair<string, object?>[] values)
    {
        LogSource = logSource;
        Message = message;
        _values = values;
    }

    public string LogSource { get; }

    public string Message { get; }

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public static ActorLogState From(LogEvent logEvent)
    {
        var source = logEvent.LogSource ?? "akka";
        if (logEvent.Message is not LogMessage template)
        {
            var text = logEvent.Message?.ToString() ?? "";
            return new ActorLogState(source, text, [new("LogSource", source), new("{OriginalFormat}", text)]);
        }
        var names = template.PropertyNames;
        var args = template.Parameters().ToArray();
        var values = new KeyValuePair<string, object?>[Math.Min(names.Count, args.Length) + 2];
        for (var i = 0; i < values.Length - 2; i++)
        {
            values[i] = new(names[i], args[i]);
        }
        values[^2] = new("LogSource", source);
        values[^1] = new("{OriginalFormat}", template.Format);
        return new ActorLogState(source, template.ToString() ?? "", values);
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
