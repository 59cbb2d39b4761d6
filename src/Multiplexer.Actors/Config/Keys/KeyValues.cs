using Akka.Configuration.Hocon;
using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Keys;

/// <summary>
/// The value of every key of <see cref="SettingKeys"/> as read from one config, and every problem found
/// on the way, so that a user sees them all at once.
/// </summary>
internal sealed class KeyValues
{
    private readonly SectionReader _root;
    private readonly Dictionary<SettingKey, object?> _values = [];

    private KeyValues(SectionReader root, string baseDirectory)
    {
        _root = root;
        BaseDirectory = baseDirectory;
    }

    /// <summary>What relative paths are resolved against.</summary>
    public string BaseDirectory { get; }

    /// <summary>Each problem as the key it is about and what is wrong, in the order found.</summary>
    public IReadOnlyList<(string Key, string Problem)> Errors => _root.Errors;

    /// <summary>
    /// Reads the keys in the table's order, then reports keys the table does not have, then checks the
    /// keys against each other.
    /// </summary>
    public static KeyValues Read(HoconValue? root, string baseDirectory)
    {
        var values = new KeyValues(SectionReader.Root(root, "multiplexer"), baseDirectory);
        foreach (var key in SettingKeys.All)
        {
            key.Read(values);
        }

        values._root.RejectUnknownKeys();
        foreach (var relation in SettingKeys.Relations)
        {
            relation.Check(values);
        }

        return values;
    }

    public T Get<T>(ScalarKey<T> key) => (T)_values[key]!;

    public IReadOnlyDictionary<string, string> Get(EnvironmentKey key) => (IReadOnlyDictionary<string, string>)_values[key]!;

    /// <summary>False for a key of an optional object that is absent.</summary>
    public bool Has(SettingKey key) => _values.ContainsKey(key);

    public bool HasError(SettingKey key) => _root.HasError(key.Name);

    public void Report(SettingKey key, string problem) => _root.Report(key.Name, problem);

    internal void Set(SettingKey key, object? value) => _values[key] = value;

    /// <summary>The reader of the object the key sits in; null when that object is optional and absent.</summary>
    internal SectionReader? ObjectOf(SettingKey key, bool optional)
    {
        var reader = _root;
        for (var i = 1; i < key.Objects.Count; i++)
        {
            if (optional && i == key.Objects.Count - 1 && !reader.Has(key.Objects[i]))
            {
                return null;
            }

            reader = reader.Section(key.Objects[i]);
        }

        return reader;
    }
}
