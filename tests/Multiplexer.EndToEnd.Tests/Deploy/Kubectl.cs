using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Deploy;

/// <summary>Kubernetes manifests read through kubectl, which needs no cluster for either step.</summary>
[SupportedOSPlatform("linux")]
public static partial class Kubectl
{
    /// <summary>What `kubectl kustomize` renders from a kustomization folder, one node per object.</summary>
    public static async Task<IReadOnlyList<JsonNode>> KustomizeAsync(string kubectl, string directory, string scratch)
    {
        var rendered = Path.Combine(scratch, "rendered.yaml");
        await RunAsync(kubectl, ["kustomize", directory], rendered);
        return await ReadAsync(kubectl, rendered, scratch);
    }

    /// <summary>
    /// YAML documents as JSON, by a local patch that changes nothing. <paramref name="wrap"/> gives a
    /// file with no kind, such as Helm values, one that kubectl accepts.
    /// </summary>
    public static async Task<IReadOnlyList<JsonNode>> ReadAsync(string kubectl, string path, string scratch, bool wrap = false)
    {
        if (wrap)
        {
            var wrapped = Path.Combine(scratch, "wrapped-" + Path.GetFileName(path));
            File.WriteAllText(wrapped, "apiVersion: helm.sh/v1\nkind: Values\n" + File.ReadAllText(path));
            path = wrapped;
        }
        var json = Path.Combine(scratch, Path.GetFileName(path) + ".json");
        await RunAsync(kubectl, ["patch", "--local", "-f", path, "--type", "merge", "-p", "{}", "-o", "json"], json);
        var objects = new List<JsonNode>();
        var reader = new Utf8JsonReader(File.ReadAllBytes(json), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            objects.Add(JsonNode.Parse(ref reader)!);
        }
        return objects;
    }

    /// <summary>Runs kubectl with its stdout into a file (older kubectl has no --output), its stderr kept for the message.</summary>
    private static async Task RunAsync(string kubectl, IEnumerable<string> arguments, string stdout)
    {
        var result = await Tool.RunAsync("sh", ["-c", "out=$1; shift; exec \"$@\" > \"$out\"", "sh", stdout, kubectl, .. arguments], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', arguments)}: {result}");
    }

    /// <summary>A Kubernetes quantity such as 500m, 1, 512Mi or 1Gi, as a number.</summary>
    public static double Quantity(string text)
    {
        var match = QuantityPattern().Match(text);
        Assert.True(match.Success, $"not a quantity: {text}");
        var scale = match.Groups[2].Value switch
        {
            "" => 1.0,
            "m" => 1e-3,
            "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "Ki" => 1 << 10,
            "Mi" => 1 << 20,
            "Gi" => 1 << 30,
            var unit => throw new FormatException($"unit {unit} in {text}"),
        };
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * scale;
    }

    [GeneratedRegex(@"^([0-9.]+)([a-zA-Z]*)$")]
    private static partial Regex QuantityPattern();
}
