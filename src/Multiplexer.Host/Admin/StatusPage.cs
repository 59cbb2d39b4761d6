namespace Multiplexer.Host.Admin;

/// <summary>The admin page: one self-contained HTML file (no build step, no CDN), embedded in the assembly.</summary>
internal static class StatusPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream("Multiplexer.Host.Admin.status.html")
            ?? throw new InvalidOperationException("the status page is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
