using System.Text;

namespace Multiplexer.Actors.Config;

/// <summary>
/// Writes settings back as HOCON, every key explicit, so users can see what defaults they got.
/// Durations and sizes use their shortest exact form so the text parses back to equal settings.
/// </summary>
internal static class SettingsRenderer
{
    public static string Render(MultiplexerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (pool, http, service) = (settings.Pool, settings.Http, settings.Service);
        var w = new Writer();
        w.Open("multiplexer");

        w.Open("pool");
        w.Line("size", pool.Size.ToString(Invariant));
        w.Line("max-overflow", pool.MaxOverflow.ToString(Invariant));
        w.Line("strategy", pool.Strategy.ToString().ToLowerInvariant());
        w.Line("checkout-timeout", Duration.Format(pool.CheckoutTimeout));
        w.Line("max-waiting", pool.MaxWaiting.ToString(Invariant));
        w.Line("overflow-idle-timeout", Duration.Format(pool.OverflowIdleTimeout));
        w.Open("crash-loop");
        w.Line("failures", pool.CrashLoop.Failures.ToString(Invariant));
        w.Line("within", Duration.Format(pool.CrashLoop.Within));
        w.Close();
        w.Close();

        w.Open("http");
        w.Line("bind", HoconString.Quote(http.Bind));
        w.Line("port", http.Port.ToString(Invariant));
        w.Line("proxy-timeout", Duration.Format(http.ProxyTimeout));
        w.Line("request-buffering", OnOff(http.RequestBuffering));
        w.Line("response-buffering", OnOff(http.ResponseBuffering));
        w.Line("buffer-memory", ByteSize.Format(http.BufferMemory));
        w.Line("max-request-body", http.MaxRequestBody is { } max ? ByteSize.Format(max) : "unlimited");
        w.Line("drain-timeout", Duration.Format(http.DrainTimeout));
        if (http.Tls is { } tls)
        {
            w.Open("tls");
            w.Line("certificate", HoconString.Quote(tls.Certificate));
            w.Line("key", HoconString.Quote(tls.Key));
            w.Close();
        }
        w.Close();

        w.Open("service");
        w.Line("base-url", HoconString.Quote(service.BaseUrl.GetLeftPart(UriPartial.Authority)));
        w.Line("port-range", HoconString.Quote(service.PortRange.ToString()));
        w.Line("start-cmd", HoconString.Quote(service.StartCmd));
        w.Line("start-delay", service.StartDelay.ToString());
        w.Line("ready-timeout", Duration.Format(service.ReadyTimeout));
        w.Line("kill-pattern", HoconString.Quote(service.KillPattern));
        w.Line("working-directory", HoconString.Quote(service.WorkingDirectory));
        if (service.Environment.Count == 0)
        {
            w.Line("environment", "{}");
        }
        else
        {
            w.Open("environment");
            foreach (var (name, value) in service.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                w.Line(HoconString.Quote(name), HoconString.Quote(value));
            }

            w.Close();
        }

        w.Line("stop-timeout", Duration.Format(service.StopTimeout));
        w.Line("max-requests", service.Recycle.MaxRequests.ToString(Invariant));
        w.Line("max-requests-jitter", service.Recycle.MaxRequestsJitter.ToString(Invariant));
        w.Line("max-memory", service.Recycle.MaxMemory == 0 ? "0" : ByteSize.Format(service.Recycle.MaxMemory));
        w.Line("max-lifetime", Duration.Format(service.Recycle.MaxLifetime));
        w.Line("memory-check-interval", Duration.Format(service.Recycle.MemoryCheckInterval));
        w.Open("restart");
        w.Line("min-backoff", Duration.Format(service.Restart.Min));
        w.Line("max-backoff", Duration.Format(service.Restart.Max));
        w.Line("reset-after", Duration.Format(service.Restart.ResetAfter));
        w.Close();
        w.Close();

        w.Open("admin");
        w.Line("bind", HoconString.Quote(settings.Admin.Bind));
        w.Line("port", settings.Admin.Port.ToString(Invariant));
        w.Close();

        w.Open("logging");
        w.Line("format", settings.Logging.Format.ToString().ToLowerInvariant());
        w.Line("level", settings.Logging.Level);
        w.Close();

        w.Close();
        return w.ToString();
    }

    private static IFormatProvider Invariant => System.Globalization.CultureInfo.InvariantCulture;

    private static string OnOff(bool value) => value ? "on" : "off";

    private sealed class Writer
    {
        private readonly StringBuilder _text = new();
        private int _depth;

        public void Open(string key)
        {
            Line(key, "{");
            _depth++;
        }

        public void Close()
        {
            _depth--;
            _text.Append(' ', _depth * 2).Append("}\n");
        }

        public void Line(string key, string value) =>
            _text.Append(' ', _depth * 2).Append(key).Append(value.StartsWith('{') ? " " : " = ").Append(value).Append('\n');

        public override string ToString() => _text.ToString();
    }
}
