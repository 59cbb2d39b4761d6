using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Keys;

/// <summary>A key with a single value (number, duration, string, ...), as most keys are.</summary>
internal sealed class ScalarKey<T> : SettingKey
{
    private readonly Func<MultiplexerSettings, T?> _get;

    /// <param name="get">Where the settings hold the value, for rendering; null in an absent optional object.</param>
    public ScalarKey(string name, KeyType<T> type, T @default, Func<MultiplexerSettings, T?> get, string doc)
        : base(name, doc)
    {
        Type = type;
        Default = @default;
        _get = get;
    }

    public KeyType<T> Type { get; }

    /// <summary>The value when the key is absent; for a required key, what is kept while reporting it.</summary>
    public T Default { get; }

    /// <summary>Further validation of a well-formed value: null if fine, else the problem.</summary>
    public Func<T, string?>? Check { get; init; }

    /// <summary>The problem to report when the key is absent; null when it may be.</summary>
    public string? Required { get; init; }

    /// <summary>
    /// The key's object may be absent (<c>http.tls</c>): then the key is neither read nor written, and
    /// the settings hold null there. When the object is present, the key is read as usual.
    /// </summary>
    public bool InOptionalObject { get; init; }

    /// <summary>The default for the keys read so far, when it depends on them (given <see cref="Default"/>).</summary>
    public Func<KeyValues, T, T>? AdjustDefault { get; init; }

    /// <summary>Turns a valid value into the one the settings hold, given the config's directory, or says what is wrong.</summary>
    public Func<T, string, (T Value, string? Problem)>? Resolve { get; init; }

    public override string DefaultText =>
        Required is null ? Type.Format(Default)
        : InOptionalObject ? "none"
        : "required";

    internal override void Read(KeyValues values)
    {
        if (values.ObjectOf(this, InOptionalObject) is not { } reader)
        {
            return;
        }

        var fallback = AdjustDefault is null ? Default : AdjustDefault(values, Default);
        var value = reader.Read(Leaf, fallback, Type.Parse, Type.Expected, Check, Required);
        if (Resolve is not null && !values.HasError(this))
        {
            (value, var problem) = Resolve(value, values.BaseDirectory);
            if (problem is not null)
            {
                values.Report(this, problem);
            }
        }

        values.Set(this, value);
    }

    internal override void Write(HoconWriter writer, MultiplexerSettings settings)
    {
        var value = _get(settings);
        if (!(InOptionalObject && value is null))
        {
            writer.Line(Objects, Leaf, Type.Format(value!));
        }
    }
}
