using Akka.Configuration.Hocon;

namespace Multiplexer.Actors.Config.Hocon;

/// <summary>Parses a raw config string; false means "not of the expected form".</summary>
internal delegate bool TryParseValue<T>(string text, out T value);

/// <summary>
/// Reads one HOCON object (e.g. <c>multiplexer.pool</c>) straight from Akka's tree, recording every
/// problem instead of throwing, so that the loader can report all of them at once. Akka's typed getters
/// are avoided on purpose: they return 0 or "" for values of the wrong type instead of failing.
/// </summary>
internal sealed class SectionReader
{
    private readonly HoconObject? _node;
    private readonly bool _freeForm;
    private readonly List<string> _known = [];
    private readonly List<SectionReader> _children = [];
    private readonly List<(string Key, string Problem)> _errors;

    private SectionReader(string path, HoconObject? node, bool freeForm, List<(string Key, string Problem)> errors)
    {
        Path = path;
        _node = node;
        _freeForm = freeForm;
        _errors = errors;
    }

    /// <summary>Dotted path of this object, e.g. "multiplexer.pool".</summary>
    public string Path { get; }

    public IReadOnlyList<(string Key, string Problem)> Errors => _errors;

    public static SectionReader Root(HoconValue? root, string key)
    {
        var top = new SectionReader("", root is not null && root.IsObject() ? root.GetObject() : null, true, []);
        return top.Section(key);
    }

    public bool Has(string key) => Find(key) is not null;

    /// <summary>
    /// A nested object, the same reader each time it is asked for; a missing one reads as empty so
    /// every key falls back to its default.
    /// </summary>
    /// <param name="freeForm">Any key allowed (no "unknown key" errors).</param>
    public SectionReader Section(string key, bool freeForm = false)
    {
        var path = Child(key);
        if (_children.Find(c => c.Path == path) is { } known)
        {
            return known;
        }

        HoconObject? node = null;
        if (Find(key) is { } value)
        {
            if (value.IsObject())
            {
                node = value.GetObject();
            }
            else
            {
                Report(path, $"expected an object {{ ... }}, got {Describe(value)}");
            }
        }

        var child = new SectionReader(path, node, freeForm, _errors);
        _children.Add(child);
        return child;
    }

    /// <summary>
    /// Reads a scalar. Returns <paramref name="fallback"/> when the key is absent (reporting
    /// <paramref name="missing"/> if given) or when the value is invalid (always reported).
    /// </summary>
    /// <param name="expected">What a valid value looks like, e.g. "expected a duration such as 30s".</param>
    /// <param name="check">Further validation of a well-formed value: null if fine, else the problem.</param>
    public T Read<T>(
        string key,
        T fallback,
        TryParseValue<T> parse,
        string expected,
        Func<T, string?>? check = null,
        string? missing = null)
    {
        var path = Child(key);
        if (Find(key) is not { } value)
        {
            if (missing is not null)
            {
                Report(path, missing);
            }

            return fallback;
        }

        if (Scalar(value) is not { } raw)
        {
            Report(path, $"{expected}, got {Describe(value)}");
            return fallback;
        }

        if (!parse(raw, out var parsed))
        {
            Report(path, $"{expected}, got {Show(raw)}");
            return fallback;
        }

        if (check?.Invoke(parsed) is { } problem)
        {
            Report(path, problem);
            return fallback;
        }

        return parsed;
    }

    /// <summary>All entries of a free-form object as strings; non-scalar entries are reported.</summary>
    public List<(string Key, string Value)> Scalars()
    {
        var result = new List<(string Key, string Value)>();
        foreach (var (key, value) in _node?.Items ?? [])
        {
            if (Scalar(value) is { } raw)
            {
                result.Add((key, raw));
            }
            else
            {
                Report(Child(key), $"expected a string, number or boolean, got {Describe(value)}");
            }
        }

        return result;
    }

    public void Report(string key, string problem) => _errors.Add((key, problem));

    public bool HasError(string key) => _errors.Exists(e => e.Key == key);

    public string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>Reports keys that no Read or Section asked for, here and in nested sections.</summary>
    public void RejectUnknownKeys()
    {
        if (!_freeForm && _node is not null)
        {
            foreach (var key in _node.Items.Keys.Where(k => !_known.Contains(k)))
            {
                var guess = _known.FirstOrDefault(k => EditDistance(k, key) <= 2);
                Report(Child(key), guess is null ? "unknown key" : $"unknown key (did you mean {guess}?)");
            }
        }

        foreach (var child in _children)
        {
            child.RejectUnknownKeys();
        }
    }

    /// <summary>Quotes a user's value for an error message, kept on one line and short.</summary>
    public static string Show(string raw)
    {
        var quoted = HoconString.Quote(raw.Length > 80 ? raw[..77] + "..." : raw);
        return $"'{quoted[1..^1]}'";
    }

    private HoconValue? Find(string key)
    {
        _known.Add(key);
        return _node is not null && _node.Items.TryGetValue(key, out var value) ? value : null;
    }

    private static string? Scalar(HoconValue value) => value.IsString() ? value.GetString() : null;

    private static string Describe(HoconValue value) =>
        value.IsString() ? (value.GetString() is { } raw ? Show(raw) : "null")
        : value.IsObject() ? "an object"
        : "a list";

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
