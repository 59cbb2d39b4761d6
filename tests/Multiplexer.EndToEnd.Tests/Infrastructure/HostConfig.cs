using System.Text;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>A test's multiplexer.hocon: the defaults a test needs, each overridable.</summary>
public sealed record HostConfig
{
    public int Size { get; init; } = 1;
    public int MaxOverflow { get; init; }
    public string Strategy { get; init; } = "fifo";
    public string CheckoutTimeout { get; init; } = "10s";
    public int MaxWaiting { get; init; } = 1024;

    /// <summary>Null leaves the default; <c>0s</c> retires the surplus the moment it idles, for specs that watch it go.</summary>
    public string? OverflowIdleTimeout { get; init; }
    public string ProxyTimeout { get; init; } = "30s";
    public string StartCmd { get; init; } = $"node \"{Repository.NodeWorker}\" %PORT%";
    public string StartDelay { get; init; } = "wait-first-output";
    public string KillPattern { get; init; } = "";
    public string ReadyTimeout { get; init; } = "20s";
    public bool RequestBuffering { get; init; } = true;
    public bool ResponseBuffering { get; init; } = true;
    public string MaxRequestBody { get; init; } = "unlimited";
    public string Extra { get; init; } = "";

    /// <summary>0 disables the admin listener; <see cref="FreePort"/> gives a usable one.</summary>
    public int AdminPort { get; init; }

    /// <summary>A random block of ports, so parallel runs and leftovers of other runs do not collide (the ring skips taken ports too).</summary>
    public string PortRange { get; init; } = RandomRange();

    public string ToHocon() => new StringBuilder()
        .AppendLine("multiplexer {")
        .AppendLine($"  pool {{ size = {Size}, max-overflow = {MaxOverflow}, strategy = {Strategy}, checkout-timeout = {CheckoutTimeout}, max-waiting = {MaxWaiting}{(OverflowIdleTimeout is null ? "" : $", overflow-idle-timeout = {OverflowIdleTimeout}")} }}")
        .AppendLine($"  http {{ bind = \"127.0.0.1\", port = 0, proxy-timeout = {ProxyTimeout}, request-buffering = {OnOff(RequestBuffering)}, response-buffering = {OnOff(ResponseBuffering)}, max-request-body = {MaxRequestBody}, drain-timeout = 10s }}")
        .AppendLine("  service {")
        .AppendLine("    base-url = \"http://127.0.0.1\"")
        .AppendLine($"    port-range = \"{PortRange}\"")
        .AppendLine($"    start-cmd = \"{StartCmd.Replace("\"", "\\\"", StringComparison.Ordinal)}\"")
        .AppendLine($"    start-delay = {StartDelay}")
        .AppendLine($"    ready-timeout = {ReadyTimeout}")
        .AppendLine($"    kill-pattern = \"{KillPattern}\"")
        .AppendLine($"    working-directory = \"{Repository.Root}\"")
        .AppendLine("    stop-timeout = 3s")
        .AppendLine("  }")
        .AppendLine($"  admin {{ bind = \"127.0.0.1\", port = {AdminPort} }}")
        .AppendLine("}")
        .AppendLine(Extra)
        .ToString();

    /// <summary>A port free right now, for listeners that cannot be given port 0 (the admin listener, where 0 disables it).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    private static string RandomRange()
    {
        var first = Random.Shared.Next(200, 300) * 100;
        return $"{first}..{first + 63}";
    }
}
