using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Deploy;

/// <summary>A systemd unit file: every assignment, by section and key, in order.</summary>
public sealed class UnitFile
{
    private readonly List<(string Section, string Key, string Value)> _entries = [];

    public UnitFile(string text)
    {
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line[0] == '[')
            {
                section = line.Trim('[', ']');
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"not an assignment: {raw}");
            }
            _entries.Add((section, line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }
    }

    public IReadOnlyList<string> Values(string section, string key) =>
        [.. _entries.Where(e => e.Section == section && e.Key == key).Select(e => e.Value)];

    /// <summary>The value in force: the last assignment of the key.</summary>
    public string? Value(string section, string key) => Values(section, key).LastOrDefault();

    /// <summary>A systemd time span such as 30s, 1min 30s, 500ms or a bare number of seconds.</summary>
    public static TimeSpan ParseTimeSpan(string value)
    {
        var total = TimeSpan.Zero;
        var parts = Regex.Matches(value, @"(\d+(?:\.\d+)?)\s*([a-z]*)");
        Assert.NotEmpty(parts);
        foreach (Match part in parts)
        {
            var number = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "" or "s" or "sec" or "second" or "seconds" => TimeSpan.FromSeconds(number),
                "ms" or "msec" => TimeSpan.FromMilliseconds(number),
                "m" or "min" or "minute" or "minutes" => TimeSpan.FromMinutes(number),
                "h" or "hr" or "hour" or "hours" => TimeSpan.FromHours(number),
                var unit => throw new FormatException($"unknown time unit '{unit}' in '{value}'"),
            };
        }
        return total;
    }
}

/// <summary>One instruction of a Dockerfile, continuation lines joined and comments dropped.</summary>
public sealed record DockerInstruction(int Line, string Keyword, string Arguments)
{
    /// <summary>The arguments of the exec (JSON array) form, or null for the shell form.</summary>
    public IReadOnlyList<string>? ExecForm =>
        Arguments.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(Arguments) : null;

    /// <summary>For COPY and ADD: the --flag=value options, the sources and the destination.</summary>
    public (IReadOnlyDictionary<string, string> Flags, IReadOnlyList<string> Sources, string Destination) CopyParts()
    {
        var words = Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var flags = words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal))
            .Select(w => w[2..].Split('=', 2))
            .ToDictionary(f => f[0], f => f.Length > 1 ? f[1] : "");
        var paths = words.Skip(flags.Count).ToList();
        Assert.True(paths.Count >= 2, $"line {Line}: {Keyword} needs a source and a destination");
        return (flags, paths[..^1], paths[^1]);
    }
}

public static class Dockerfile
{
    public static IReadOnlyList<DockerInstruction> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var start = i + 1;
            var joined = "";
            while (line.EndsWith('\\'))
            {
                joined += line[..^1].Trim() + " ";
                // Comment lines inside a continuation are dropped, as Docker does.
                do
                {
                    line = ++i < lines.Length ? lines[i].Trim() : "";
                }
                while (line.StartsWith('#'));
            }
            joined += line;
            var space = joined.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new DockerInstruction(start, joined.ToUpperInvariant(), "")
                : new DockerInstruction(start, joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim()));
        }
        return instructions;
    }
}

/// <summary>
/// The block-style YAML subset a compose file is written in: nested mappings, sequences of scalars,
/// quoted or plain scalars (a flow sequence stays one raw scalar), whole-line comments.
/// Mappings are dictionaries, sequences lists, scalars strings.
/// </summary>
public static class SimpleYaml
{
    public static Dictionary<string, object> Parse(string text)
    {
        var lines = text.Split('\n')
            .Select(l => l.TrimEnd('\r', ' ', '\t'))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .ToList();
        var i = 0;
        var root = ParseBlock(lines, ref i, Indent(lines[0]));
        Assert.True(i == lines.Count, $"unexpected indentation at: {(i < lines.Count ? lines[i] : "")}");
        return Assert.IsType<Dictionary<string, object>>(root);
    }

    public static object At(object node, params string[] path)
    {
        foreach (var key in path)
        {
            var map = Assert.IsType<Dictionary<string, object>>(node);
            Assert.True(map.TryGetValue(key, out var child), $"missing key '{key}' (of {string.Join('.', path)})");
            node = child!;
        }
        return node;
    }

    private static object ParseBlock(List<string> lines, ref int i, int indent)
    {
        if (lines[i].TrimStart().StartsWith("- ", StringComparison.Ordinal))
        {
            var list = new List<object>();
            while (i < lines.Count && Indent(lines[i]) == indent && lines[i].TrimStart().StartsWith("- ", StringComparison.Ordinal))
            {
                list.Add(Scalar(lines[i].TrimStart()[2..]));
                i++;
            }
            return list;
        }

        var map = new Dictionary<string, object>();
        while (i < lines.Count && Indent(lines[i]) == indent)
        {
            var line = lines[i].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"expected 'key: value', got: {line}");
            var key = line[..colon];
            var value = line[(colon + 1)..].Trim();
            i++;
            if (value.Length > 0)
            {
                map.Add(key, Scalar(value));
            }
            else
            {
                Assert.True(i < lines.Count && Indent(lines[i]) > indent, $"'{key}:' has no value");
                map.Add(key, ParseBlock(lines, ref i, Indent(lines[i])));
            }
        }
        return map;
    }

    private static string Scalar(string value) =>
        value.Length >= 2 && (value[0], value[^1]) is ('"', '"') or ('\'', '\'') ? value[1..^1] : value;

    private static int Indent(string line) => line.Length - line.TrimStart().Length;
}
