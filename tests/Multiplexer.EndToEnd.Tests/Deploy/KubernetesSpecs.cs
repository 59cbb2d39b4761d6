using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests.Deploy;

/// <summary>
/// deploy/kubernetes, as `kubectl kustomize` renders it (kubectl turns the YAML into JSON offline;
/// without kubectl every spec skips with the reason). The wiring is checked against the config the
/// ConfigMap holds, parsed by the project's loader, and against a real multiplexer's /metrics and
/// memory. No cluster is needed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class KubernetesSpecs(ITestOutputHelper output) : IDisposable
{
    private readonly List<string> _temporary = [];

    private static string Kubernetes(string name = "") => Path.Combine(Repository.Root, "deploy", "kubernetes", name);

    [SkippableFact]
    public async Task Should_render_config_deployment_service_budget_and_autoscaler_with_the_image_compose_builds()
    {
        var objects = await RenderAsync();
        var pod = Pod(objects);
        var container = Container(objects);

        Assert.Equal(new[] { "ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service" }, objects.Select(o => (string)o["kind"]!).Order());
        var compose = SimpleYaml.Parse(File.ReadAllText(Path.Combine(Repository.Root, "deploy", "docker-compose.yml")));
        Assert.Equal((string)SimpleYaml.At(compose, "services", "multiplexer", "image"), (string)container["image"]!);
        // The ConfigMap lands where the image's command reads its config.
        var command = Dockerfile.Parse(File.ReadAllText(Path.Combine(Repository.Root, "deploy", "Dockerfile"))).Last(i => i.Keyword == "CMD").ExecForm!;
        var mount = Assert.Single(container["volumeMounts"]!.AsArray(), m => (string)m!["mountPath"]! == Path.GetDirectoryName(command[0]));
        var volume = Assert.Single(pod["volumes"]!.AsArray(), v => (string)v!["name"]! == (string)mount!["name"]!);
        Assert.Equal((string)Single(objects, "ConfigMap")["metadata"]!["name"]!, (string)volume!["configMap"]!["name"]!);
        Assert.NotNull(Single(objects, "ConfigMap")["data"]![Path.GetFileName(command[0])]);
        // A read-only root leaves the spilled buffers a writable /tmp.
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => (string)m!["mountPath"]! == "/tmp");
        // The autoscaler owns the replica count.
        Assert.Null(Single(objects, "Deployment")["spec"]!["replicas"]);
    }

    [SkippableFact]
    public async Task Should_probe_healthz_and_livez_on_the_admin_port_and_route_the_service_to_the_http_port()
    {
        var objects = await RenderAsync();
        var config = ReadConfig(objects);
        var settings = config.Settings;
        var container = Container(objects);
        var labels = Template(objects)["metadata"]!["labels"]!.AsObject();

        foreach (var (probe, path) in new[] { ("startupProbe", "/healthz"), ("readinessProbe", "/healthz"), ("livenessProbe", "/livez") })
        {
            var get = container[probe]!["httpGet"]!;
            Assert.True(path == (string?)get["path"], $"{probe} asks {get["path"]}, not {path}");
            Assert.Equal(settings.Admin.Port, ContainerPort(container, get["port"]!));
        }
        Assert.Equal(settings.Http.Port, ContainerPort(container, "http"));
        Assert.Equal(settings.Admin.Port.ToString(CultureInfo.InvariantCulture), (string)Template(objects)["metadata"]!["annotations"]!["prometheus.io/port"]!);

        // The startup probe waits as long as the systemd unit's start: ready-timeout plus a second.
        Assert.True(ProbeWindow(container["startupProbe"]!) > settings.Service.ReadyTimeout + TimeSpan.FromSeconds(1), "the startup probe gives up before a worker's ready-timeout");
        // A stopping pod fails its readiness probe before it stops accepting connections.
        Assert.True(ProbeWindow(container["readinessProbe"]!) < config.ShutdownDelay, $"readiness needs longer than shutdown-delay ({config.ShutdownDelay}) to notice a stop");

        var service = Single(objects, "Service")["spec"]!;
        Assert.Equal(settings.Http.Port, ContainerPort(container, Assert.Single(service["ports"]!.AsArray())!["targetPort"]!));
        foreach (var selector in new[] { service["selector"]!, Single(objects, "PodDisruptionBudget")["spec"]!["selector"]!["matchLabels"]!, Single(objects, "Deployment")["spec"]!["selector"]!["matchLabels"]! })
        {
            Assert.All(selector.AsObject(), label => Assert.Equal((string?)label.Value, (string?)labels[label.Key]));
        }
    }

    [SkippableFact]
    public async Task Should_give_a_stopping_pod_longer_than_shutdown_delay_drain_and_the_workers_stop_phase()
    {
        var objects = await RenderAsync();
        var config = ReadConfig(objects);
        var service = config.Settings.Service;

        // After shutdown-delay the host drains for drain-timeout; the workers' stop phase then takes
        // up to 2 x stop-timeout + 2s (MultiplexerApp's service-stop phase timeout).
        var stopping = config.ShutdownDelay + config.Settings.Http.DrainTimeout + (service.StopTimeout * 2) + TimeSpan.FromSeconds(2);
        var grace = TimeSpan.FromSeconds((int)Pod(objects)["terminationGracePeriodSeconds"]!);

        Assert.True(config.ShutdownDelay > TimeSpan.Zero, "no shutdown-delay: a pod would refuse connections before the endpoint removal reaches every node");
        Assert.True(grace > stopping, $"terminationGracePeriodSeconds {grace.TotalSeconds} must exceed {stopping.TotalSeconds}s");
    }

    [SkippableFact]
    public async Task Should_hold_a_config_the_multiplexer_accepts_with_the_admin_token_from_the_secret()
    {
        var objects = await RenderAsync();
        var container = Container(objects);

        var config = ReadConfig(objects);

        var secret = Assert.Single(container["env"]!.AsArray(), e => (string)e!["name"]! == ManifestConfig.TokenVariable)!["valueFrom"]!["secretKeyRef"]!;
        Assert.True(config.Value("multiplexer.admin.token") is ManifestConfig.SampleToken or $"${{?{ManifestConfig.TokenVariable}}}", "admin.token is not read from the environment");
        Assert.Equal(("0.0.0.0", "0.0.0.0"), (config.Settings.Http.Bind, config.Settings.Admin.Bind));
        var monitor = (await ReadAsync("podmonitor.yaml"))[0]["spec"]!;
        var credentials = Assert.Single(monitor["podMetricsEndpoints"]!.AsArray())!["authorization"]!["credentials"]!;
        Assert.Equal(((string?)secret["name"], (string?)secret["key"]), ((string?)credentials["name"], (string?)credentials["key"]));
        Assert.Equal(config.Settings.Admin.Port, ContainerPort(container, Assert.Single(monitor["podMetricsEndpoints"]!.AsArray())!["port"]!));
        foreach (var key in config.Removed.Keys)
        {
            output.WriteLine($"{key}: not a key of this multiplexer yet; the config parses without it, and its value '{config.Value(key)}' from the file is what the manifests are checked against");
        }
    }

    [SkippableFact]
    public async Task Should_scale_on_series_a_running_multiplexer_exports_and_reserve_memory_for_its_capacity()
    {
        var objects = await RenderAsync();
        var config = ReadConfig(objects);
        var pool = config.Settings.Pool;
        var hpa = Single(objects, "HorizontalPodAutoscaler")["spec"]!;
        var adapter = (await ReadAsync("prometheus-adapter-values.yaml", wrap: true))[0];
        var keda = (await ReadAsync("keda-scaledobject.yaml"))[0]["spec"]!;

        // act: the ConfigMap's config run here, moved onto loopback and this checkout's example worker
        await using var host = await MultiplexerHost.StartAsync(MultiplexerHost.Launch(LocalConfig(config.Runnable, out var adminPort)), pool.Size);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        for (var i = 0; i < 50; i++)
        {
            (await host.Client.GetAsync("/")).EnsureSuccessStatusCode();
        }
        var series = (await admin.GetStringAsync("/metrics")).Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));

        // assert: each metric the HPA reads is an adapter rule over series /metrics has
        Assert.Contains($"multiplexer_pool_capacity {pool.Size + pool.MaxOverflow}", series);
        var rules = adapter["rules"]!["custom"]!.AsArray();
        foreach (var metric in hpa["metrics"]!.AsArray())
        {
            var name = (string)metric!["pods"]!["metric"]!["name"]!;
            var rule = Assert.Single(rules, r => (string?)r!["name"]!["as"] == name)!;
            AssertSeriesExist(series, (string)rule["seriesQuery"]! + (string)rule["metricsQuery"]!);
        }
        foreach (var trigger in keda["triggers"]!.AsArray())
        {
            AssertSeriesExist(series, (string)trigger!["metadata"]!["query"]!);
        }
        // KEDA's alternative scales the same Deployment on the same targets.
        var deployment = (string)Single(objects, "Deployment")["metadata"]!["name"]!;
        Assert.Equal(deployment, (string)hpa["scaleTargetRef"]!["name"]!);
        Assert.Equal(deployment, (string)keda["scaleTargetRef"]!["name"]!);
        Assert.Equal(((int)hpa["minReplicas"]!, (int)hpa["maxReplicas"]!), ((int)keda["minReplicaCount"]!, (int)keda["maxReplicaCount"]!));
        Assert.Equal(
            hpa["metrics"]!.AsArray().Select(m => Kubectl.Quantity((string)m!["pods"]!["target"]!["averageValue"]!)),
            keda["triggers"]!.AsArray().Select(t => Kubectl.Quantity((string)t!["metadata"]!["threshold"]!)));
        // The saturation target lies where overflow workers are busy but some capacity is left.
        var target = Kubectl.Quantity((string)hpa["metrics"]![0]!["pods"]!["target"]!["averageValue"]!);
        Assert.InRange(target, (double)pool.Size / (pool.Size + pool.MaxOverflow), 0.9);

        // The pod's memory holds the multiplexer and size workers (request), size + max-overflow (limit).
        var multiplexer = ProcessTable.PeakRssBytes(host.Pid);
        var worker = status.RootElement.GetProperty("workers").EnumerateArray().Max(w => w.GetProperty("rssBytes").GetInt64());
        var resources = Container(objects)["resources"]!;
        output.WriteLine($"multiplexer peak RSS {multiplexer >> 20} MiB, largest worker {worker >> 20} MiB");
        Assert.True(Kubectl.Quantity((string)resources["requests"]!["memory"]!) >= multiplexer + (pool.Size * worker), "the memory request does not hold size workers");
        Assert.True(Kubectl.Quantity((string)resources["limits"]!["memory"]!) >= multiplexer + ((pool.Size + pool.MaxOverflow) * worker), "the memory limit does not hold size + max-overflow workers");
    }

    public void Dispose()
    {
        foreach (var dir in _temporary)
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    /// <summary>The config with what only a pod has replaced: loopback, free ports, this checkout's worker, text logs.</summary>
    private static string LocalConfig(string text, out int adminPort)
    {
        var test = new HostConfig { AdminPort = HostConfig.FreePort() };
        adminPort = test.AdminPort;
        return text + $$"""

            multiplexer {
              http { bind = "127.0.0.1", port = 0 }
              admin { bind = "127.0.0.1", port = {{adminPort}} }
              service { port-range = "{{test.PortRange}}", start-cmd = "{{test.StartCmd.Replace("\"", "\\\"", StringComparison.Ordinal)}}", working-directory = "{{Repository.Root}}" }
              logging { format = text }
            }
            """;
    }

    /// <summary>Every series a PromQL text selects, by name and fixed labels, is among the scraped lines.</summary>
    private static void AssertSeriesExist(IReadOnlyList<string> scraped, string query)
    {
        var selectors = Selector().Matches(query);
        Assert.NotEmpty(selectors);
        foreach (Match selector in selectors)
        {
            // namespace and pod come from the scrape; <<...>> are the adapter's templates.
            var labels = selector.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(l => FixedLabel().IsMatch(l) && !l.StartsWith("namespace=", StringComparison.Ordinal) && !l.StartsWith("pod=", StringComparison.Ordinal));
            var name = selector.Groups["name"].Value;
            Assert.True(
                scraped.Any(s => (s.StartsWith(name + " ", StringComparison.Ordinal) || s.StartsWith(name + "{", StringComparison.Ordinal)) && labels.All(l => s.Contains(l, StringComparison.Ordinal))),
                $"/metrics has no {selector.Value}");
        }
    }

    private Task<IReadOnlyList<JsonNode>> RenderAsync() => Kubectl.KustomizeAsync(RequireKubectl(), Kubernetes(), TemporaryDirectory());

    private Task<IReadOnlyList<JsonNode>> ReadAsync(string name, bool wrap = false) =>
        Kubectl.ReadAsync(RequireKubectl(), Kubernetes(name), TemporaryDirectory(), wrap);

    /// <summary>The config the ConfigMap holds, parsed; see <see cref="ManifestConfig"/> for keys this multiplexer does not know yet.</summary>
    private ManifestConfig ReadConfig(IReadOnlyList<JsonNode> objects) =>
        ManifestConfig.Parse((string)Single(objects, "ConfigMap")["data"]!["multiplexer.hocon"]!, TemporaryDirectory());

    private string RequireKubectl()
    {
        var path = Tool.Find("kubectl");
        if (path is null)
        {
            output.WriteLine("skipped: kubectl is not on PATH");
        }
        Skip.If(path is null, "kubectl is not on PATH");
        return path!;
    }

    private string TemporaryDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("multiplexer-kubernetes-").FullName;
        _temporary.Add(dir);
        return dir;
    }

    private static JsonNode Single(IReadOnlyList<JsonNode> objects, string kind) => Assert.Single(objects, o => (string?)o["kind"] == kind);

    private static JsonNode Template(IReadOnlyList<JsonNode> objects) => Single(objects, "Deployment")["spec"]!["template"]!;

    private static JsonNode Pod(IReadOnlyList<JsonNode> objects) => Template(objects)["spec"]!;

    private static JsonNode Container(IReadOnlyList<JsonNode> objects) => Assert.Single(Pod(objects)["containers"]!.AsArray())!;

    /// <summary>A probe's or Service's port, a number or the name of a container port, as a number.</summary>
    private static int ContainerPort(JsonNode container, JsonNode port) =>
        port.GetValueKind() == JsonValueKind.Number
            ? (int)port
            : (int)Assert.Single(container["ports"]!.AsArray(), p => (string?)p!["name"] == (string)port!)!["containerPort"]!;

    /// <summary>How long a probe takes to give up: periodSeconds (default 10) x failureThreshold (default 3).</summary>
    private static TimeSpan ProbeWindow(JsonNode probe) =>
        TimeSpan.FromSeconds(((int?)probe["periodSeconds"] ?? 10) * ((int?)probe["failureThreshold"] ?? 3));

    [GeneratedRegex(@"(?<name>multiplexer_[a-z_]+)(?:\{(?<labels>[^}]*)\})?")]
    private static partial Regex Selector();

    [GeneratedRegex("^[a-z_]+=\"[^\"]*\"$")]
    private static partial Regex FixedLabel();
}
