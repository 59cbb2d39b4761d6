using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Keys;

/// <summary><c>service.environment</c>: an object of any names, each a variable for the workers.</summary>
internal sealed class EnvironmentKey(string name, Func<MultiplexerSettings, IReadOnlyDictionary<string, string>> get, string doc)
    : SettingKey(name, doc)
{
    public override string DefaultText => "{}";

    internal override void Read(KeyValues values)
    {
        var reader = values.ObjectOf(this, optional: false)!.Section(Leaf, freeForm: true);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (variable, value) in reader.Scalars())
        {
            if (variable.Length == 0 || variable.Contains('=', StringComparison.Ordinal) || variable.Contains('\0', StringComparison.Ordinal))
            {
                reader.Report(reader.Child(variable), "is not a valid environment variable name");
            }
            else
            {
                environment[variable] = value;
            }
        }

        values.Set(this, environment);
    }

    internal override void Write(HoconWriter writer, MultiplexerSettings settings)
    {
        var environment = get(settings);
        if (environment.Count == 0)
        {
            writer.Line(Objects, Leaf, "{}");
            return;
        }

        string[] inner = [.. Objects, Leaf];
        foreach (var (variable, value) in environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.Line(inner, HoconString.Quote(variable), HoconString.Quote(value));
        }
    }
}
