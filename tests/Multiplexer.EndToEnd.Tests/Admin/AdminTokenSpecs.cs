using System.Net;
using System.Net.Http.Headers;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Admin;

/// <summary><c>admin.token</c>: a locked admin listener, with the probes left open for orchestrators.</summary>
public sealed class AdminTokenSpecs
{
    private const string Token = "s3cret-admin-token";

    [Fact]
    public async Task Should_answer_401_without_the_token_or_with_a_wrong_one_and_200_with_it()
    {
        // arrange
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { AdminPort = adminPort, Extra = $"multiplexer.admin.token = \"{Token}\"" });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        // act
        var without = await admin.GetAsync("/status");
        var wrong = await admin.SendAsync(Get("/status", "Bearer not-" + Token));
        var otherScheme = await admin.SendAsync(Get("/status", "Basic " + Token));
        var reload = await admin.PostAsync("/reload", null);
        var status = await admin.SendAsync(Get("/status", "Bearer " + Token));
        var metrics = await admin.SendAsync(Get("/metrics", "bearer " + Token));

        // assert
        foreach (var refused in new[] { without, wrong, otherScheme, reload })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);
        }
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Contains("\"workers\"", await status.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("multiplexer_requests_total", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_leave_the_probes_and_the_bare_page_open_when_a_token_is_set()
    {
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { AdminPort = adminPort, Extra = $"multiplexer.admin.token = \"{Token}\"" });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        var health = await admin.GetAsync("/healthz");
        var live = await admin.GetAsync("/livez");
        var page = await admin.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("?token=", html);
        Assert.DoesNotContain("\"pool\":", html);
    }

    [Fact]
    public async Task Should_warn_at_start_when_the_admin_listener_is_not_on_loopback_and_has_no_token()
    {
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { AdminPort = adminPort, Extra = "multiplexer.admin.bind = \"0.0.0.0\"" });

        var warning = await host.WaitForLogAsync(l => l.Contains("admin.token is not set", StringComparison.Ordinal));

        Assert.Contains($"0.0.0.0:{adminPort}", warning);
        Assert.Contains("warn", warning);
    }

    private static HttpRequestMessage Get(string path, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        return request;
    }
}
