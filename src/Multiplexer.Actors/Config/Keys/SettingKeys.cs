using Multiplexer.Actors.Config.Seed;
using static Multiplexer.Actors.Config.Keys.ValueChecks;

namespace Multiplexer.Actors.Config.Keys;

/// <summary>
/// Every key of the <c>multiplexer</c> section, each written once: its name, type, default, validation,
/// seed key and the line README shows. Loading, <c>multiplexer check</c>'s rendering and the seed
/// conversion all go by <see cref="All"/>, in its order; a spec holds README's table to it.
/// </summary>
internal static class SettingKeys
{
    public static IReadOnlyList<SettingKey> All { get; } =
    [
        Pool.Size, Pool.MaxOverflow, Pool.MinSpare, Pool.Strategy, Pool.CheckoutTimeout, Pool.MaxWaiting, Pool.OverflowIdleTimeout,
        Pool.CrashLoopFailures, Pool.CrashLoopWithin,
        Http.Bind, Http.Port, Http.ProxyTimeout, Http.SlowRequest, Http.RequestBuffering, Http.ResponseBuffering, Http.BufferMemory,
        Http.MaxRequestBody, Http.DrainTimeout, Http.ShutdownDelay, Http.TlsCertificate, Http.TlsKey,
        Service.BaseUrl, Service.PortRange, Service.StartCmd, Service.StartDelay, Service.ReadyTimeout, Service.KillPattern,
        Service.WorkingDirectory, Service.Environment, Service.StopTimeout, Service.MaxRequests, Service.MaxRequestsJitter,
        Service.MaxMemory, Service.MaxLifetime, Service.MemoryCheckInterval,
        Service.RestartMinBackoff, Service.RestartMaxBackoff, Service.RestartResetAfter,
        Admin.Bind, Admin.Port, Admin.Token,
        Logging.Format, Logging.Level,
    ];

    /// <summary>Rules between keys, checked after every key is read; each problem is reported on its first key.</summary>
    public static IReadOnlyList<KeyRelation> Relations { get; } =
    [
        new(Pool.MinSpare, [Pool.MaxOverflow], SparesWithinOverflow),
        new(Http.SlowRequest, [Http.ProxyTimeout], SlowRequestBelowProxyTimeout),
        new(Service.PortRange, [Pool.Size, Pool.MaxOverflow], PortForEveryWorker),
        new(Service.RestartMaxBackoff, [Service.RestartMinBackoff], BackoffMaxAtLeastMin),
    ];

    public static SettingKey? Find(string name) => All.FirstOrDefault(key => key.Name == name);

    private static string? SparesWithinOverflow(KeyValues v) =>
        v.Get(Pool.MinSpare) <= v.Get(Pool.MaxOverflow) ? null : $"must be at most max-overflow ({v.Get(Pool.MaxOverflow)}), got {v.Get(Pool.MinSpare)}";

    private static string? SlowRequestBelowProxyTimeout(KeyValues v)
    {
        var (slow, proxy) = (v.Get(Http.SlowRequest), v.Get(Http.ProxyTimeout));
        return slow == TimeSpan.Zero || slow < proxy ? null : $"must be below proxy-timeout ({Duration.Format(proxy)}) or 0s (off), got {Duration.Format(slow)}";
    }

    // Every worker, permanent or temporary, needs a port of its own.
    private static string? PortForEveryWorker(KeyValues v)
    {
        var (range, workers) = (v.Get(Service.PortRange), v.Get(Pool.Size) + v.Get(Pool.MaxOverflow));
        return range.Count >= workers ? null : $"{range} holds {range.Count} ports, fewer than size + max-overflow = {workers}";
    }

    private static string? BackoffMaxAtLeastMin(KeyValues v)
    {
        var (min, max) = (v.Get(Service.RestartMinBackoff), v.Get(Service.RestartMaxBackoff));
        return max >= min ? null : $"must be at least min-backoff ({Duration.Format(min)}), got {Duration.Format(max)}";
    }

    public static class Pool
    {
        public static readonly ScalarKey<int> Size = new("multiplexer.pool.size", KeyTypes.Integer, 5, s => s.Pool.Size,
            "permanent workers (≥ 1)") { Check = AtLeast(1), Seed = SeedMapping.Integer("pool_size") };

        public static readonly ScalarKey<int> MaxOverflow = new("multiplexer.pool.max-overflow", KeyTypes.Integer, 15, s => s.Pool.MaxOverflow,
            "temporary workers on top, started while all are busy") { Check = AtLeast(0), Seed = SeedMapping.Integer("pool_max_overflow") };

        public static readonly ScalarKey<int> MinSpare = new("multiplexer.pool.min-spare", KeyTypes.Integer, 0, s => s.Pool.MinSpare,
            "idle workers kept ready on top of `size` (or of the busy workers, when more are busy), started as overflow workers ahead of demand; at most `max-overflow` (`0` = start overflow only when a request waits)") { Check = AtLeast(0) };

        public static readonly ScalarKey<PoolStrategy> Strategy = new("multiplexer.pool.strategy", KeyTypes.Strategy, PoolStrategy.Fifo, s => s.Pool.Strategy,
            "`fifo` or `lifo`: which idle worker serves next and which retires") { Seed = SeedMapping.Strategy("pool_strategy") };

        public static readonly ScalarKey<TimeSpan> CheckoutTimeout = new("multiplexer.pool.checkout-timeout", KeyTypes.Duration, TimeSpan.FromSeconds(30), s => s.Pool.CheckoutTimeout,
            "longest wait for a free worker, then 503") { Check = Positive };

        public static readonly ScalarKey<int> MaxWaiting = new("multiplexer.pool.max-waiting", KeyTypes.Integer, 1024, s => s.Pool.MaxWaiting,
            "longest wait queue, then 503 at once") { Check = AtLeast(0) };

        public static readonly ScalarKey<TimeSpan> OverflowIdleTimeout = new("multiplexer.pool.overflow-idle-timeout", KeyTypes.Duration, TimeSpan.FromSeconds(10), s => s.Pool.OverflowIdleTimeout,
            "how long a surplus worker must idle without interruption before it retires; `0s` retires it the moment more than `size` are idle, as the seed did, which under steady load churns: workers retired and started again moments later, a service start each time") { Check = NotNegative };

        public static readonly ScalarKey<int> CrashLoopFailures = new("multiplexer.pool.crash-loop.failures", KeyTypes.Integer, 5, s => s.Pool.CrashLoop.Failures,
            "this many workers dying before ready within `crash-loop.within`, none ready: fail fast with 503") { Check = AtLeast(1) };

        public static readonly ScalarKey<TimeSpan> CrashLoopWithin = new("multiplexer.pool.crash-loop.within", KeyTypes.Duration, TimeSpan.FromSeconds(30), s => s.Pool.CrashLoop.Within,
            "the window `crash-loop.failures` are counted in") { Check = Positive };
    }

    public static class Http
    {
        public static readonly ScalarKey<string> Bind = new("multiplexer.http.bind", KeyTypes.String, "0.0.0.0", s => s.Http.Bind,
            "address to listen on") { Check = IpAddressOrLocalhost };

        public static readonly ScalarKey<int> Port = new("multiplexer.http.port", KeyTypes.Integer, 3000, s => s.Http.Port,
            "port to listen on (`0` = any free port)") { Check = Between(0, 65535), Seed = SeedMapping.Integer("http_port") };

        public static readonly ScalarKey<TimeSpan> ProxyTimeout = new("multiplexer.http.proxy-timeout", KeyTypes.Duration, TimeSpan.FromMinutes(5), s => s.Http.ProxyTimeout,
            "longest silence from a worker (reset by every read or write), then 504; it also closes a WebSocket (or other upgraded connection) silent both ways this long, freeing its worker")
        { Check = Positive, Seed = SeedMapping.Milliseconds("http_proxy_timeout") };

        // Left out, the default gives way to a proxy-timeout it would not be below instead of failing a config that used to load.
        public static readonly ScalarKey<TimeSpan> SlowRequest = new("multiplexer.http.slow-request", KeyTypes.Duration, TimeSpan.FromSeconds(10), s => s.Pool.SlowRequest,
            "a request still on its worker after this long is logged once as a warning, the moment it passes it, and counted in `pool.slowRequests` (`0s` = off)")
        { Check = NotNegative, AdjustDefault = (v, slow) => slow < v.Get(ProxyTimeout) ? slow : TimeSpan.Zero };

        public static readonly ScalarKey<bool> RequestBuffering = new("multiplexer.http.request-buffering", KeyTypes.OnOff, true, s => s.Http.RequestBuffering,
            "receive the whole body before taking a worker");

        public static readonly ScalarKey<bool> ResponseBuffering = new("multiplexer.http.response-buffering", KeyTypes.OnOff, true, s => s.Http.ResponseBuffering,
            "free the worker as soon as it has written its response, keeping what a slow client has not taken");

        public static readonly ScalarKey<long> BufferMemory = new("multiplexer.http.buffer-memory", KeyTypes.ByteSize, 64 * 1024, s => s.Http.BufferMemory,
            "per request and direction; beyond it buffers spill to a temporary file (`ASPNETCORE_TEMP`, else `TMPDIR`, else `/tmp`)") { Check = Between(1L, int.MaxValue) };

        public static readonly ScalarKey<long?> MaxRequestBody = new("multiplexer.http.max-request-body", KeyTypes.ByteSizeOrUnlimited, null, s => s.Http.MaxRequestBody,
            "larger bodies get 413");

        public static readonly ScalarKey<TimeSpan> DrainTimeout = new("multiplexer.http.drain-timeout", KeyTypes.Duration, TimeSpan.FromSeconds(10), s => s.Http.DrainTimeout,
            "on shutdown, how long in-flight requests may finish") { Check = NotNegative };

        public static readonly ScalarKey<TimeSpan> ShutdownDelay = new("multiplexer.http.shutdown-delay", KeyTypes.Duration, TimeSpan.Zero, s => s.Http.ShutdownDelay,
            "on SIGTERM, `/healthz` fails at once while requests are still served for this long, so a balancer stops sending first") { Check = NotNegative };

        public static readonly ScalarKey<string> TlsCertificate = new("multiplexer.http.tls.certificate", KeyTypes.String, "", s => s.Http.Tls?.Certificate,
            "PEM certificate (chain); with `tls.key` set too, the public listener speaks HTTPS")
        { Check = NotBlank, Required = "is required when http.tls is present", InOptionalObject = true, Resolve = ExistingFile };

        public static readonly ScalarKey<string> TlsKey = new("multiplexer.http.tls.key", KeyTypes.String, "", s => s.Http.Tls?.Key,
            "PEM private key of `tls.certificate`")
        { Check = NotBlank, Required = "is required when http.tls is present", InOptionalObject = true, Resolve = ExistingFile };
    }

    public static class Service
    {
        public static readonly ScalarKey<Uri> BaseUrl = new("multiplexer.service.base-url", KeyTypes.Url, new Uri("http://localhost"), s => s.Service.BaseUrl,
            "where workers listen, without the port")
        { Check = BareHttpUrl, Seed = SeedMapping.String("service_http_base_url", "expected a string such as \"http://localhost\"") };

        public static readonly ScalarKey<PortRange> PortRange = new("multiplexer.service.port-range", KeyTypes.PortRange, new PortRange(10300, 10350), s => s.Service.PortRange,
            "inclusive range of worker ports; must hold `size + max-overflow`") { Seed = SeedMapping.Range("service_port_range") };

        public static readonly ScalarKey<string> StartCmd = new("multiplexer.service.start-cmd", KeyTypes.String, "", s => s.Service.StartCmd,
            "shell command; `%PORT%` is replaced by the worker's port")
        {
            Check = NotBlank,
            Required = "is required, e.g. start-cmd = \"node index.js %PORT%\"",
            Seed = SeedMapping.String("service_start_process_cmd", "expected a string such as \"node index.js %PORT%\""),
        };

        public static readonly ScalarKey<StartDelay> StartDelay = new("multiplexer.service.start-delay", KeyTypes.StartDelay, Config.StartDelay.WaitFirstOutput, s => s.Service.StartDelay,
            "or a duration such as `1500ms`")
        { Check = d => d.Fixed < TimeSpan.Zero ? $"must not be negative, got {d}" : null, Seed = SeedMapping.StartDelay("service_start_delay_ms") };

        public static readonly ScalarKey<TimeSpan> ReadyTimeout = new("multiplexer.service.ready-timeout", KeyTypes.Duration, TimeSpan.FromSeconds(30), s => s.Service.ReadyTimeout,
            "not ready by then: killed and started again") { Check = Positive };

        public static readonly ScalarKey<string> KillPattern = new("multiplexer.service.kill-pattern", KeyTypes.String, "", s => s.Service.KillPattern,
            "substring of the command line of leftovers to kill at start; `\"\"` skips") { Seed = SeedMapping.String("service_kill_pattern", "expected a string") };

        public static readonly ScalarKey<string> WorkingDirectory = new("multiplexer.service.working-directory", KeyTypes.String, ".", s => s.Service.WorkingDirectory,
            "where workers run") { Check = NotBlank, Resolve = ExistingDirectory };

        public static readonly EnvironmentKey Environment = new("multiplexer.service.environment", s => s.Service.Environment,
            "extra environment variables for the workers");

        public static readonly ScalarKey<TimeSpan> StopTimeout = new("multiplexer.service.stop-timeout", KeyTypes.Duration, TimeSpan.FromSeconds(5), s => s.Service.StopTimeout,
            "SIGTERM → SIGKILL grace when a worker is stopped") { Check = Positive };

        public static readonly ScalarKey<long> MaxRequests = new("multiplexer.service.max-requests", KeyTypes.Long, 0, s => s.Service.Recycle.MaxRequests,
            "recycle a worker after this many requests; `0` = off") { Check = AtLeast(0L) };

        public static readonly ScalarKey<long> MaxRequestsJitter = new("multiplexer.service.max-requests-jitter", KeyTypes.Long, 0, s => s.Service.Recycle.MaxRequestsJitter,
            "plus a random 0..jitter requests, so that a pool does not recycle all at once") { Check = AtLeast(0L) };

        public static readonly ScalarKey<long> MaxMemory = new("multiplexer.service.max-memory", KeyTypes.ByteSize, 0, s => s.Service.Recycle.MaxMemory,
            "recycle a worker whose process tree's RSS exceeds this (e.g. `512MB`); `0` = off");

        public static readonly ScalarKey<TimeSpan> MaxLifetime = new("multiplexer.service.max-lifetime", KeyTypes.Duration, TimeSpan.Zero, s => s.Service.Recycle.MaxLifetime,
            "recycle a worker after running this long (e.g. `6h`); `0s` = off") { Check = NotNegative };

        public static readonly ScalarKey<TimeSpan> MemoryCheckInterval = new("multiplexer.service.memory-check-interval", KeyTypes.Duration, TimeSpan.FromSeconds(10), s => s.Service.Recycle.MemoryCheckInterval,
            "how often max-memory and max-lifetime are checked") { Check = Positive };

        public static readonly ScalarKey<TimeSpan> RestartMinBackoff = new("multiplexer.service.restart.min-backoff", KeyTypes.Duration, TimeSpan.FromMilliseconds(100), s => s.Service.Restart.Min,
            "first restart delay after a crash") { Check = Positive };

        public static readonly ScalarKey<TimeSpan> RestartMaxBackoff = new("multiplexer.service.restart.max-backoff", KeyTypes.Duration, TimeSpan.FromSeconds(10), s => s.Service.Restart.Max,
            "cap of the doubling restart delay") { Check = Positive };

        public static readonly ScalarKey<TimeSpan> RestartResetAfter = new("multiplexer.service.restart.reset-after", KeyTypes.Duration, TimeSpan.FromSeconds(60), s => s.Service.Restart.ResetAfter,
            "healthy running after which the delay is back to the minimum") { Check = Positive };
    }

    public static class Admin
    {
        public static readonly ScalarKey<string> Bind = new("multiplexer.admin.bind", KeyTypes.String, "127.0.0.1", s => s.Admin.Bind,
            "address of the admin listener (status, metrics, health)") { Check = IpAddressOrLocalhost };

        public static readonly ScalarKey<int> Port = new("multiplexer.admin.port", KeyTypes.Integer, 3001, s => s.Admin.Port,
            "port of the admin listener; `0` turns it off") { Check = Between(0, 65535) };

        public static readonly ScalarKey<string> Token = new("multiplexer.admin.token", KeyTypes.String, "", s => s.Admin.Token,
            "when set, every admin path but the probes requires `Authorization: Bearer <token>`") { Check = NoSpaces };
    }

    public static class Logging
    {
        public static readonly ScalarKey<LogFormat> Format = new("multiplexer.logging.format", KeyTypes.LogFormat, LogFormat.Text, s => s.Logging.Format,
            "`text` (one line per entry; systemd's format under systemd) or `json` (one object per line)");

        public static readonly ScalarKey<string> Level = new("multiplexer.logging.level", KeyTypes.Word, "info", s => s.Logging.Level,
            "`trace`, `debug`, `info`, `warning` or `error`") { Check = LogLevel };
    }
}
