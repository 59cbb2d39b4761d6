using System.Text.RegularExpressions;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests.Admin;

/// <summary>The admin page rendered by a real browser, as an operator opens it.</summary>
public sealed partial class StatusPageSpecs(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Should_render_one_row_per_worker_in_a_headless_browser()
    {
        Skip.IfNot(HeadlessChromium.Available, $"{HeadlessChromium.Executable} is missing (.ci/run installs Debian's chromium)");

        // arrange
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 3, AdminPort = adminPort });
        var page = new Uri($"http://127.0.0.1:{adminPort}/");
        var screenshot = Path.Combine(Path.GetTempPath(), $"multiplexer-status-{host.Tag}.png");

        // act
        var dom = await HeadlessChromium.DumpDomAsync(page);
        await HeadlessChromium.ScreenshotAsync(page, screenshot, 1000, 600);

        // assert: the page's script filled the table from /status
        Assert.Equal(3, WorkerRow().Matches(dom).Count);
        Assert.Contains(">idle<", dom);
        Assert.Matches(@"id=""summary-limit-reached""[^>]*>limit reached: <b>0</b>", dom);
        Assert.Matches(@"id=""summary-min-spare""[^>]*>min spare: <b>0</b>", dom);

        // assert: the picture shows text in the three row bands below the table header
        var image = PngImage.Read(screenshot);
        output.WriteLine($"screenshot {screenshot}: {image.Width}x{image.Height}, {TextBands(image)} bands of text");
        Assert.Equal((1000, 600), (image.Width, image.Height));
        Assert.True(TextBands(image) >= 1 + 1 + 3 + 2, "title, summary, header, three worker rows and the exits table show as text");
        File.Delete(screenshot);
    }

    [SkippableFact]
    public async Task Should_render_the_rows_when_opened_with_the_token_and_say_how_to_open_it_without()
    {
        Skip.IfNot(HeadlessChromium.Available, $"{HeadlessChromium.Executable} is missing (.ci/run installs Debian's chromium)");

        // arrange
        const string token = "page-token-1234";
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 2, AdminPort = adminPort, Extra = $"multiplexer.admin.token = \"{token}\"" });

        // act
        var opened = await HeadlessChromium.DumpDomAsync(new Uri($"http://127.0.0.1:{adminPort}/?token={token}"));
        var bare = await HeadlessChromium.DumpDomAsync(new Uri($"http://127.0.0.1:{adminPort}/"));

        // assert
        Assert.Equal(2, WorkerRow().Matches(opened).Count);
        Assert.Empty(WorkerRow().Matches(bare));
        Assert.Contains("open this page as /?token=", bare);
    }

    [SkippableFact]
    public async Task Should_show_the_request_a_worker_is_serving_and_for_how_long()
    {
        Skip.IfNot(HeadlessChromium.Available, $"{HeadlessChromium.Executable} is missing (.ci/run installs Debian's chromium)");

        // arrange: one worker held by a long request
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, AdminPort = adminPort });
        var sleeping = host.Client.GetAsync("/sleep?ms=8000");
        await Eventually.TrueAsync(async () => (await host.Client.GetStringAsync($"http://127.0.0.1:{adminPort}/status")).Contains("\"request\":{", StringComparison.Ordinal), "the worker shows its request");

        // act
        var dom = await HeadlessChromium.DumpDomAsync(new Uri($"http://127.0.0.1:{adminPort}/"));

        // assert
        Assert.False(sleeping.IsCompleted, "the page was read while the request ran");
        Assert.Contains("<td class=\"request\">GET /sleep?ms=8000</td>", dom);
        Assert.Matches(@"<td class=""num elapsed"">\d+\.\d s</td>", dom);
        await sleeping;
    }

    /// <summary>Counts horizontal bands of pixel rows that hold dark (text) pixels.</summary>
    private static int TextBands(PngImage image)
    {
        var bands = 0;
        var inBand = false;
        for (var y = 0; y < image.Height; y++)
        {
            var dark = false;
            for (var x = 0; x < image.Width && !dark; x++)
            {
                dark = image.IsDark(x, y);
            }
            if (dark && !inBand)
            {
                bands++;
            }
            inBand = dark;
        }
        return bands;
    }

    [GeneratedRegex("<tr class=\"worker\">")]
    private static partial Regex WorkerRow();
}
