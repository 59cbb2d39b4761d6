using System.Diagnostics;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>Debian's Chromium, headless, with the flags that keep it off the network and quiet.</summary>
public static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    public static bool Available => File.Exists(Executable);

    /// <summary>The DOM after the page's scripts ran for <paramref name="budgetMs"/> of virtual time.</summary>
    public static async Task<string> DumpDomAsync(Uri page, int budgetMs = 3000) =>
        await RunAsync(page, $"--virtual-time-budget={budgetMs}", "--dump-dom");

    public static async Task ScreenshotAsync(Uri page, string pngPath, int width, int height, int budgetMs = 3000) =>
        await RunAsync(page, $"--virtual-time-budget={budgetMs}", $"--window-size={width},{height}", $"--screenshot={pngPath}");

    private static async Task<string> RunAsync(Uri page, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("multiplexer-chromium-").FullName;
        try
        {
            var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}" })
            {
                info.ArgumentList.Add(flag);
            }
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }
            info.ArgumentList.Add(page.ToString());
            using var chromium = Process.Start(info)!;
            var output = chromium.StandardOutput.ReadToEndAsync();
            _ = chromium.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await chromium.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                chromium.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish within 60 s");
            }
            return await output;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
