using System.Text.Json;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>What a worker's <c>/echo</c> saw: the request as it arrived, headers as raw name/value pairs in arrival order.</summary>
public sealed record EchoReply(string Method, string Url, string HttpVersion, string[][] Headers, long BodyLength, string BodySha256, int Pid, int Port)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public IReadOnlyList<(string Name, string Value)> HeaderPairs => Headers.Select(h => (h[0], h[1])).ToList();

    public IReadOnlyList<string> HeaderNames => Headers.Select(h => h[0]).ToList();

    public static EchoReply Parse(string json) => JsonSerializer.Deserialize<EchoReply>(json, Options)
        ?? throw new InvalidDataException("empty echo reply");

    public static async Task<EchoReply> ReadAsync(HttpResponseMessage response)
    {
        var json = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidDataException($"echo answered {(int)response.StatusCode}: {json}");
        }
        return Parse(json);
    }
}
