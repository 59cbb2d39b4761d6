using Multiplexer.Actors.Config.Hocon;
using Multiplexer.Actors.Config.Seed;

namespace Multiplexer.Actors.Config.Keys;

/// <summary>
/// One key of the <c>multiplexer</c> section, with all that the loader, <c>multiplexer check</c>'s
/// rendering, the seed conversion and README's configuration table need to know about it.
/// </summary>
internal abstract class SettingKey
{
    protected SettingKey(string name, string doc)
    {
        Name = name;
        Doc = doc;
        var parts = name.Split('.');
        Objects = parts[..^1];
        Leaf = parts[^1];
    }

    /// <summary>The full dotted path, as errors name it: "multiplexer.pool.size".</summary>
    public string Name { get; }

    /// <summary>The objects the key sits in, from the outermost: ["multiplexer", "pool"].</summary>
    public IReadOnlyList<string> Objects { get; }

    /// <summary>The last part of the name: "size".</summary>
    public string Leaf { get; }

    /// <summary>What the key does, in one line: README's Meaning column.</summary>
    public string Doc { get; }

    /// <summary>The setting of the Elixir original's config.exs that becomes this key, if there is one.</summary>
    public SeedMapping? Seed { get; init; }

    /// <summary>README's Default column: the default as <c>multiplexer check</c> writes it, "required" or "none".</summary>
    public abstract string DefaultText { get; }

    /// <summary>Reads the key into <paramref name="values"/>, reporting what is wrong with it there.</summary>
    internal abstract void Read(KeyValues values);

    /// <summary>Writes the key's effective value, unless the settings leave it out.</summary>
    internal abstract void Write(HoconWriter writer, MultiplexerSettings settings);
}
