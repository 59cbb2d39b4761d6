using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Multiplexer.Actors.Config;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests.Deploy;

/// <summary>
/// The files of deploy/: the systemd unit and its installer, the Dockerfile, the compose file and the
/// container's config. Checked with the real tools where this machine has them (systemd-analyze,
/// hadolint, docker compose, shellcheck; a missing one makes its spec skip with the reason), and
/// always for what they refer to: files that must exist, and paths and ports that must agree.
/// No Docker engine is needed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class DeploySpecs(ITestOutputHelper output) : IDisposable
{
    private const string ConfigPath = "/etc/multiplexer/multiplexer.hocon";

    private readonly List<string> _temporary = [];

    private static string Deploy(string name) => Path.Combine(Repository.Root, "deploy", name);

    private static string UnitPath => Deploy("multiplexer.service");

    private static UnitFile Unit => new(File.ReadAllText(UnitPath));

    private static IReadOnlyList<DockerInstruction> DockerfileInstructions => Dockerfile.Parse(File.ReadAllText(Deploy("Dockerfile")));

    private static Dictionary<string, object> ComposeService =>
        Assert.IsType<Dictionary<string, object>>(SimpleYaml.At(SimpleYaml.Parse(File.ReadAllText(Deploy("docker-compose.yml"))), "services", "multiplexer"));

    /// <summary>The repository's example config, whose values are the defaults the unit is sized for.</summary>
    private static MultiplexerSettings RootSettings => SettingsLoader.Load(Path.Combine(Repository.Root, "multiplexer.hocon"));

    // --- systemd --------------------------------------------------------------------------------

    [Fact]
    public void Should_start_as_notify_and_stop_by_draining_before_systemd_kills_what_is_left()
    {
        var unit = Unit;
        var settings = RootSettings;

        Assert.Equal("notify", unit.Value("Service", "Type"));
        Assert.Equal($"/opt/multiplexer/multiplexer {ConfigPath}", unit.Value("Service", "ExecStart"));
        Assert.Equal("/srv/multiplexer", unit.Value("Service", "WorkingDirectory"));
        Assert.Equal("mixed", unit.Value("Service", "KillMode"));
        // The host drains for drain-timeout, then the worker stop phase may take 2 x stop-timeout + 2s.
        var stopping = settings.Http.DrainTimeout + (settings.Service.StopTimeout * 2) + TimeSpan.FromSeconds(2);
        Assert.True(UnitFile.ParseTimeSpan(unit.Value("Service", "TimeoutStopSec")!) > stopping, $"TimeoutStopSec must exceed {stopping}");
        // The start is held until the workers are ready, for at most ready-timeout + 1s.
        var starting = settings.Service.ReadyTimeout + TimeSpan.FromSeconds(1);
        Assert.True(UnitFile.ParseTimeSpan(unit.Value("Service", "TimeoutStartSec")!) > starting, $"TimeoutStartSec must exceed {starting}");
        Assert.Equal("on-failure", unit.Value("Service", "Restart"));
        Assert.NotNull(unit.Value("Service", "RestartSec"));
        Assert.Contains("2", unit.Value("Service", "RestartPreventExitStatus")!.Split(' ')); // a bad config exits 2
        Assert.Equal("multiplexer", unit.Value("Service", "User"));
        Assert.Equal("multiplexer", unit.Value("Service", "Group"));
        Assert.Equal("multiplexer", unit.Value("Service", "SyslogIdentifier"));
        Assert.Equal("/bin/kill -HUP $MAINPID", Assert.Single(unit.Values("Service", "ExecReload"))); // SIGHUP reloads the config
        Assert.Equal("multi-user.target", unit.Value("Install", "WantedBy"));
    }

    [Fact]
    public void Should_harden_the_service_without_what_breaks_the_jit_or_process_groups()
    {
        var unit = Unit;

        Assert.Equal("yes", unit.Value("Service", "NoNewPrivileges"));
        Assert.Equal("strict", unit.Value("Service", "ProtectSystem"));
        Assert.Contains(unit.Value("Service", "ProtectHome"), new[] { "yes", "read-only", "tmpfs" });
        Assert.Equal("yes", unit.Value("Service", "PrivateTmp"));
        Assert.Equal("yes", unit.Value("Service", "ProtectKernelTunables"));
        Assert.Equal("yes", unit.Value("Service", "ProtectControlGroups"));
        Assert.Equal("yes", unit.Value("Service", "RestrictSUIDSGID"));
        Assert.Equal("yes", unit.Value("Service", "LockPersonality"));
        // The .NET JIT and V8 need writable executable memory; .NET reads /proc beyond the pids.
        Assert.NotEqual("yes", unit.Value("Service", "MemoryDenyWriteExecute"));
        Assert.NotEqual("pid", unit.Value("Service", "ProcSubset"));
        if (unit.Value("Service", "SystemCallFilter") is { } filter)
        {
            Assert.Equal("@system-service", filter); // includes fork, setsid, setpgid, kill
        }
    }

    [SkippableFact]
    public async Task Should_pass_systemd_analyze_verify()
    {
        var analyze = RequireTool("systemd-analyze");
        // verify fails on an ExecStart that does not exist here: check a copy that starts an existing executable.
        var dir = TemporaryDirectory();
        var executable = ExistingExecutable(dir);
        var unitText = Regex.Replace(File.ReadAllText(UnitPath), "^ExecStart=/opt/multiplexer/multiplexer ", $"ExecStart={executable} ", RegexOptions.Multiline);
        var unit = Path.Combine(dir, "multiplexer.service");
        File.WriteAllText(unit, unitText);
        // A broken copy shows that a problem is reported: verify exits 0 on unknown keys, with a warning.
        var broken = Path.Combine(dir, "broken.service");
        File.WriteAllText(broken, unitText.Replace("KillMode=mixed", "KillMode=mixd", StringComparison.Ordinal));

        var result = await Tool.RunAsync(analyze, ["verify", unit], TimeSpan.FromMinutes(1));
        var brokenResult = await Tool.RunAsync(analyze, ["verify", broken], TimeSpan.FromMinutes(1));

        output.WriteLine(result.ToString());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Output.Trim());
        Assert.Contains("mixd", brokenResult.Output);
    }

    [SkippableFact]
    public async Task Should_keep_the_unit_exposure_level_low()
    {
        var analyze = RequireTool("systemd-analyze");

        var result = await Tool.RunAsync(analyze, ["security", "--offline=true", UnitPath], TimeSpan.FromMinutes(1));

        output.WriteLine(result.ToString());
        var level = ExposureLevel().Match(result.Output);
        Skip.If(!level.Success && result.Output.Contains("offline", StringComparison.Ordinal), "this systemd-analyze has no offline security analysis (systemd < 250)");
        Assert.True(level.Success, "no overall exposure level in the output");
        var exposure = double.Parse(level.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(exposure <= 2.5, $"exposure {exposure} on systemd's 0-10 scale; the unit's hardening scores 1.7");
    }

    // --- install.sh -----------------------------------------------------------------------------

    [Fact]
    public async Task Should_install_app_config_and_unit_into_the_given_directories_and_keep_an_existing_config()
    {
        // arrange: every location inside a temporary directory, no systemctl, no user
        var root = TemporaryDirectory();
        var prefix = Path.Combine(root, "opt", "multiplexer");
        var configDir = Path.Combine(root, "etc", "multiplexer");
        var systemdDir = Path.Combine(root, "etc", "systemd", "system");
        var appDir = Path.Combine(root, "srv", "multiplexer");
        var environment = new Dictionary<string, string>
        {
            ["PREFIX"] = prefix,
            ["CONFIG_DIR"] = configDir,
            ["SYSTEMD_DIR"] = systemdDir,
            ["APP_DIR"] = appDir,
            ["NO_SYSTEMCTL"] = "1",
            ["NO_USER"] = "1",
        };
        var config = Path.Combine(configDir, "multiplexer.hocon");
        var installedUnit = Path.Combine(systemdDir, "multiplexer.service");

        // act: the first install, with the one publish of this spec
        var first = await Tool.RunAsync("bash", [Deploy("install.sh")], TimeSpan.FromMinutes(9), environment);

        // assert: the app runs, the config is the repository's aimed at the app folder, the unit points at both
        output.WriteLine(first.ToString());
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("systemctl enable --now multiplexer", first.Output);
        Assert.Contains("journalctl -u multiplexer -f", first.Output);
        var app = Path.Combine(prefix, "multiplexer");
        Assert.True(File.Exists(Path.Combine(prefix, "multiplexer.dll")), "published app missing");
        Assert.True((File.GetUnixFileMode(app) & UnixFileMode.UserExecute) != 0, "the app host is not executable");
        var help = await Tool.RunAsync(app, ["--help"], TimeSpan.FromMinutes(1));
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.False(Directory.Exists(prefix + ".new") || Directory.Exists(prefix + ".old"), "a staging directory was left behind");

        var expectedConfig = File.ReadAllText(Path.Combine(Repository.Root, "multiplexer.hocon"))
            .Replace("working-directory = \".\"", $"working-directory = \"{appDir}\"", StringComparison.Ordinal);
        Assert.Equal(expectedConfig, File.ReadAllText(config));
        var settings = SettingsLoader.Load(config);
        Assert.Equal(appDir, settings.Service.WorkingDirectory);
        Assert.True(File.Exists(Path.Combine(appDir, "examples", "node", "index.js")), "the example worker the config starts is missing");

        var unit = new UnitFile(File.ReadAllText(installedUnit));
        Assert.Equal($"{app} {config}", unit.Value("Service", "ExecStart"));
        Assert.Equal(appDir, unit.Value("Service", "WorkingDirectory"));
        Assert.Equal(
            OtherLines(File.ReadAllText(UnitPath)),
            OtherLines(File.ReadAllText(installedUnit)));
        if (Tool.Find("systemd-analyze") is { } analyze)
        {
            var verify = await Tool.RunAsync(analyze, ["verify", installedUnit], TimeSpan.FromMinutes(1));
            Assert.True(verify.ExitCode == 0 && verify.Output.Trim().Length == 0, verify.ToString());
        }
        else
        {
            output.WriteLine("systemd-analyze not found: the installed unit was not verified");
        }

        // act: a second run over a config the user has edited
        var edited = File.ReadAllText(config) + "# edited by the user\n";
        File.WriteAllText(config, edited);
        environment["NO_PUBLISH"] = "1";
        var second = await Tool.RunAsync("bash", [Deploy("install.sh")], TimeSpan.FromMinutes(2), environment);

        // assert: the config is untouched, the rest is still in place
        output.WriteLine(second.ToString());
        Assert.Equal(0, second.ExitCode);
        Assert.Contains($"keeping existing {config}", second.Output);
        Assert.Equal(edited, File.ReadAllText(config));
        Assert.True(File.Exists(app));
        Assert.True(File.Exists(installedUnit));
    }

    [SkippableFact]
    public async Task Should_pass_shellcheck()
    {
        var shellcheck = RequireTool("shellcheck");

        var result = await Tool.RunAsync(shellcheck, [Deploy("install.sh")], TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    // --- Docker ---------------------------------------------------------------------------------

    [Fact]
    public void Should_copy_into_the_image_only_files_that_exist_and_are_not_dockerignored()
    {
        var instructions = DockerfileInstructions;
        var ignored = DockerIgnorePatterns();
        var stages = new List<string>();
        var restored = false;
        var copiedBeforeRestore = new List<string>();

        foreach (var instruction in instructions)
        {
            switch (instruction.Keyword)
            {
                case "FROM":
                    var from = Regex.Match(instruction.Arguments, @"\s+AS\s+(\S+)$", RegexOptions.IgnoreCase);
                    stages.Add(from.Success ? from.Groups[1].Value : "");
                    break;
                case "COPY" or "ADD":
                    var (flags, sources, _) = instruction.CopyParts();
                    if (flags.TryGetValue("from", out var stage))
                    {
                        Assert.True(stages.SkipLast(1).Contains(stage), $"line {instruction.Line}: no earlier stage named '{stage}'");
                        break;
                    }
                    foreach (var source in sources)
                    {
                        var path = Path.Combine(Repository.Root, source);
                        Assert.True(File.Exists(path) || Directory.Exists(path), $"line {instruction.Line}: {source} does not exist in the repository");
                        Assert.False(ignored.Any(p => p.IsMatch(source.TrimEnd('/'))), $"line {instruction.Line}: {source} is excluded by .dockerignore");
                        if (!restored)
                        {
                            copiedBeforeRestore.Add(source);
                        }
                    }
                    break;
                case "RUN" when instruction.Arguments.Contains("dotnet restore", StringComparison.Ordinal):
                    restored = true;
                    break;
            }
        }

        // The restore layer sees every project and the central package versions.
        Assert.True(restored, "no dotnet restore step");
        var projects = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Repository.Root, p));
        foreach (var needed in projects.Append("Directory.Build.props").Append("Directory.Packages.props"))
        {
            Assert.Contains(needed, copiedBeforeRestore);
        }
        // A host's obj/ copied over the restore output would point the build at the host's package folders.
        Assert.Contains(ignored, p => p.IsMatch("src/Multiplexer.Host/obj"));
        Assert.Contains(ignored, p => p.IsMatch("src/Multiplexer.Host/bin"));
        Assert.Contains(ignored, p => p.IsMatch(".git"));
    }

    [Fact]
    public void Should_build_on_the_sdk_and_run_on_aspnet_with_node_as_a_non_root_user()
    {
        var instructions = DockerfileInstructions;
        var froms = instructions.Where(i => i.Keyword == "FROM").ToList();
        var final = instructions.SkipWhile(i => i != froms[^1]).ToList();
        var docker = DockerSettings();

        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0].Arguments);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", froms[^1].Arguments);
        Assert.Contains(instructions, i => i.Keyword == "RUN" && Regex.IsMatch(i.Arguments, @"dotnet publish src/Multiplexer.Host -c Release -o /app\b"));
        var apt = Assert.Single(final, i => i.Keyword == "RUN" && i.Arguments.Contains("apt-get install", StringComparison.Ordinal));
        Assert.Matches(@"^apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/\*$", apt.Arguments);

        var user = final.Last(i => i.Keyword == "USER").Arguments;
        Assert.DoesNotMatch(@"^(root|0)(:|$)", user);
        Assert.Equal(
            new[] { docker.Http.Port, docker.Admin.Port }.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(),
            final.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ')).Order());

        // The entry point is the app host that publish names after the assembly.
        var entrypoint = Assert.Single(final.Single(i => i.Keyword == "ENTRYPOINT").ExecForm!);
        var assemblyName = Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "src", "Multiplexer.Host", "Multiplexer.Host.csproj")), "<AssemblyName>(.*)</AssemblyName>").Groups[1].Value;
        Assert.Equal($"/app/{assemblyName}", entrypoint);
        Assert.Equal([ConfigPath], final.Single(i => i.Keyword == "CMD").ExecForm!);
        Assert.Contains(final, i => i.Keyword == "COPY" && i.Arguments == $"deploy/docker.hocon {ConfigPath}");
        Assert.Contains(final, i => i.Keyword == "COPY" && i.Arguments == "--from=build /app/ /app/");

        var healthcheck = final.Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.Contains($"http://127.0.0.1:{docker.Admin.Port}/healthz", healthcheck);
        Assert.Contains("CMD [\"node\"", healthcheck);
    }

    [SkippableFact]
    public async Task Should_pass_hadolint()
    {
        var hadolint = RequireTool("hadolint");

        var result = await Tool.RunAsync(hadolint, [Deploy("Dockerfile")], TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Should_build_the_compose_service_from_the_repository_root_with_the_config_mounted_read_only()
    {
        var service = ComposeService;
        var docker = DockerSettings();

        // Relative paths in a compose file are resolved against its folder.
        var context = Path.GetFullPath((string)SimpleYaml.At(service, "build", "context"), Path.Combine(Repository.Root, "deploy"));
        Assert.Equal(Repository.Root.TrimEnd('/'), context.TrimEnd('/'));
        Assert.Equal(Deploy("Dockerfile"), Path.GetFullPath((string)SimpleYaml.At(service, "build", "dockerfile"), context));

        var volume = Assert.Single(Assert.IsType<List<object>>(service["volumes"])).ToString()!.Split(':');
        Assert.Equal(Deploy("docker.hocon"), Path.GetFullPath(volume[0], Path.Combine(Repository.Root, "deploy")));
        Assert.Equal(ConfigPath, volume[1]);
        Assert.Equal("ro", volume[2]);

        var ports = Assert.IsType<List<object>>(service["ports"]).Cast<string>().ToList();
        Assert.Contains($"{docker.Http.Port}:{docker.Http.Port}", ports);
        Assert.Contains($"127.0.0.1:{docker.Admin.Port}:{docker.Admin.Port}", ports);

        // Each variable set here is one the config reads.
        var environment = Assert.IsType<Dictionary<string, object>>(service["environment"]);
        Assert.Equal("4", environment["MULTIPLEXER_POOL_SIZE"]);
        var hocon = File.ReadAllText(Deploy("docker.hocon"));
        Assert.All(environment.Keys, name => Assert.Contains($"${{?{name}}}", hocon));

        var stopping = docker.Http.DrainTimeout + (docker.Service.StopTimeout * 2) + TimeSpan.FromSeconds(2);
        Assert.True(UnitFile.ParseTimeSpan((string)service["stop_grace_period"]) > stopping, $"stop_grace_period must exceed {stopping}");

        // The same check as the image's own HEALTHCHECK.
        var test = (string)SimpleYaml.At(service, "healthcheck", "test");
        Assert.Contains($"http://127.0.0.1:{docker.Admin.Port}/healthz", test);
        var imageCheck = DockerfileInstructions.Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.EndsWith(test, imageCheck.Replace("CMD [", "[\"CMD\", ", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Should_pass_docker_compose_config()
    {
        // `docker compose config` and the older `docker-compose config` validate without an engine.
        string[] command;
        if (Tool.Find("docker") is { } docker && (await Tool.RunAsync(docker, ["compose", "version"], TimeSpan.FromMinutes(1))).ExitCode == 0)
        {
            command = [docker, "compose"];
        }
        else
        {
            command = [RequireTool("docker-compose", "neither `docker compose` nor docker-compose is available")];
        }

        var result = await Tool.RunAsync(command[0], [.. command.Skip(1), "-f", Deploy("docker-compose.yml"), "config"], TimeSpan.FromMinutes(1));

        output.WriteLine(result.ToString());
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"context: {Repository.Root}", result.Output);
        Assert.Contains(Deploy("docker.hocon"), result.Output);
        Assert.Contains(ConfigPath, result.Output);
    }

    // --- the configs ----------------------------------------------------------------------------

    [Fact]
    public void Should_parse_the_container_config_with_environment_overrides()
    {
        // /app exists only in the image: a temporary folder stands in for it.
        var app = TemporaryDirectory();
        var text = File.ReadAllText(Deploy("docker.hocon"));
        var names = Regex.Matches(text, @"\$\{\?(MULTIPLEXER_[A-Z_]+)\}").Select(m => m.Groups[1].Value).Distinct().ToList();
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
            Environment.SetEnvironmentVariable("MULTIPLEXER_WORKING_DIRECTORY", app);
            var defaults = SettingsLoader.Parse(text, "/etc/multiplexer", "docker.hocon");
            Environment.SetEnvironmentVariable("MULTIPLEXER_POOL_SIZE", "7");
            Environment.SetEnvironmentVariable("MULTIPLEXER_MAX_OVERFLOW", "2");
            Environment.SetEnvironmentVariable("MULTIPLEXER_PORT", "8000");
            var overridden = SettingsLoader.Parse(text, "/etc/multiplexer", "docker.hocon");

            Assert.Equal(4, defaults.Pool.Size);
            Assert.Equal(8, defaults.Pool.MaxOverflow);
            Assert.Equal(3000, defaults.Http.Port);
            Assert.Equal("0.0.0.0", defaults.Http.Bind);
            Assert.Equal(new AdminSettings("0.0.0.0", 3001), defaults.Admin);
            Assert.Equal("node /app/examples/node/index.js %PORT%", defaults.Service.StartCmd);
            Assert.Equal(app, defaults.Service.WorkingDirectory);
            Assert.Equal(7, overridden.Pool.Size);
            Assert.Equal(2, overridden.Pool.MaxOverflow);
            Assert.Equal(8000, overridden.Http.Port);
            Assert.Equal(defaults.Service, overridden.Service);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Fact]
    public void Should_use_one_config_path_and_one_layout_across_unit_installer_image_and_compose()
    {
        var unit = Unit;
        var install = File.ReadAllText(Deploy("install.sh"));
        string Default(string name) => Regex.Match(install, $@"^{name}=\$\{{{name}:-([^}}]+)\}}", RegexOptions.Multiline).Groups[1].Value;
        var instructions = DockerfileInstructions;
        var final = instructions.SkipWhile(i => i != instructions.Last(x => x.Keyword == "FROM")).ToList();
        var hocon = File.ReadAllText(Deploy("docker.hocon"));

        // The systemd side: unit and installer agree.
        var execStart = unit.Value("Service", "ExecStart")!.Split(' ');
        Assert.Equal(ConfigPath, execStart[1]);
        Assert.Equal($"{Default("PREFIX")}/multiplexer", execStart[0]);
        Assert.Equal(ConfigPath, $"{Default("CONFIG_DIR")}/multiplexer.hocon");
        Assert.Equal(Default("APP_DIR"), unit.Value("Service", "WorkingDirectory"));
        Assert.Equal("/etc/systemd/system", Default("SYSTEMD_DIR"));
        Assert.Equal($"/var/lib/{unit.Value("Service", "StateDirectory")}", Regex.Match(install, "^STATE_DIR=(.*)$", RegexOptions.Multiline).Groups[1].Value);

        // The container side: the config sits at the same path, and what it starts is in the image.
        Assert.Equal([ConfigPath], final.Single(i => i.Keyword == "CMD").ExecForm!);
        Assert.Equal(ConfigPath, ComposeService["volumes"] is List<object> v ? v[0].ToString()!.Split(':')[1] : null);
        var workingDirectory = Regex.Match(hocon, "working-directory = \"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(workingDirectory, final.Last(i => i.Keyword == "WORKDIR").Arguments);
        var startCmd = Regex.Match(hocon, "start-cmd = \"([^\"]+)\"").Groups[1].Value;
        foreach (Match absolute in Regex.Matches(startCmd, @"/app/\S+"))
        {
            Assert.True(ImageFileExists(final, absolute.Value), $"{absolute.Value}, in start-cmd, is not copied into the image");
        }
    }

    public void Dispose()
    {
        foreach (var dir in _temporary)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    private string RequireTool(string name, string? reason = null)
    {
        var path = Tool.Find(name);
        if (path is null)
        {
            reason ??= $"{name} is not on PATH";
            output.WriteLine($"skipped: {reason}");
        }
        Skip.If(path is null, reason ?? "");
        return path!;
    }

    private string TemporaryDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("multiplexer-deploy-").FullName;
        _temporary.Add(dir);
        return dir;
    }

    /// <summary>The app host built beside the tests, or else a small script.</summary>
    private static string ExistingExecutable(string dir)
    {
        var appHost = Path.Combine(AppContext.BaseDirectory, "multiplexer");
        if (File.Exists(appHost))
        {
            return appHost;
        }
        var script = Path.Combine(dir, "multiplexer");
        File.WriteAllText(script, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>The container config as the image runs it, with its working directory made to exist here.</summary>
    private MultiplexerSettings DockerSettings()
    {
        var text = File.ReadAllText(Deploy("docker.hocon"));
        var local = Regex.Replace(text, "working-directory = \"[^\"]+\"", $"working-directory = \"{TemporaryDirectory()}\"");
        return SettingsLoader.Parse(local, "/etc/multiplexer", "docker.hocon");
    }

    /// <summary>Unit lines other than the two that install.sh rewrites.</summary>
    private static List<string> OtherLines(string unit) =>
        [.. unit.Split('\n').Where(l => !l.StartsWith("ExecStart=", StringComparison.Ordinal) && !l.StartsWith("WorkingDirectory=", StringComparison.Ordinal))];

    /// <summary>Whether a path in the image comes from a repository file copied by the final stage.</summary>
    private static bool ImageFileExists(IEnumerable<DockerInstruction> stage, string imagePath)
    {
        foreach (var copy in stage.Where(i => i.Keyword == "COPY"))
        {
            var (flags, sources, destination) = copy.CopyParts();
            if (flags.ContainsKey("from") || sources.Count != 1 || !destination.EndsWith('/') || !imagePath.StartsWith(destination, StringComparison.Ordinal))
            {
                continue;
            }
            var source = Path.Combine(Repository.Root, sources[0], imagePath[destination.Length..]);
            if (File.Exists(source))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The .dockerignore patterns, each as a regex over a context-relative path and its parents.</summary>
    private static List<Regex> DockerIgnorePatterns()
    {
        var patterns = new List<Regex>();
        foreach (var raw in File.ReadAllLines(Path.Combine(Repository.Root, ".dockerignore")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            Assert.False(line.StartsWith('!'), "exceptions in .dockerignore are not handled by this spec");
            var body = Regex.Escape(line.TrimEnd('/'))
                .Replace(@"\*\*/", "(?:.*/)?", StringComparison.Ordinal)
                .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
                .Replace(@"\?", "[^/]", StringComparison.Ordinal);
            // A pattern excludes the path it names and everything under it.
            patterns.Add(new Regex($"^{body}(?:/.*)?$"));
        }
        return patterns;
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+(?:\.\d+)?)")]
    private static partial Regex ExposureLevel();
}
