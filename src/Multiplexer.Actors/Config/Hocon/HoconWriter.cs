using System.Text;

namespace Multiplexer.Actors.Config.Hocon;

/// <summary>
/// Writes HOCON one key per line, nested objects indented two spaces per level. Each line names the
/// objects it belongs in; the writer closes and opens objects to get there.
/// </summary>
internal sealed class HoconWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<string> _open = [];

    /// <summary><c>key = value</c>, or <c>key { ... }</c> when the value is an object.</summary>
    /// <param name="objects">The enclosing objects from the outermost, e.g. ["multiplexer", "pool"].</param>
    public void Line(IReadOnlyList<string> objects, string key, string value)
    {
        Enter(objects);
        Indent().Append(key).Append(value.StartsWith('{') ? " " : " = ").Append(value).Append('\n');
    }

    /// <summary>The text so far with every open object closed.</summary>
    public string Finish()
    {
        Enter([]);
        return _text.ToString();
    }

    private void Enter(IReadOnlyList<string> objects)
    {
        var shared = 0;
        while (shared < _open.Count && shared < objects.Count && _open[shared] == objects[shared])
        {
            shared++;
        }

        while (_open.Count > shared)
        {
            _open.RemoveAt(_open.Count - 1);
            Indent().Append("}\n");
        }

        foreach (var name in objects.Skip(shared))
        {
            Indent().Append(name).Append(" {\n");
            _open.Add(name);
        }
    }

    private StringBuilder Indent() => _text.Append(' ', _open.Count * 2);
}
