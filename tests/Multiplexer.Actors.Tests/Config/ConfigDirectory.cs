namespace Multiplexer.Actors.Tests.Config;

/// <summary>A throw-away directory to act as the config file's directory.</summary>
public sealed class ConfigDirectory : IDisposable
{
    public ConfigDirectory()
    {
        Path = Directory.CreateTempSubdirectory("multiplexer-config-").FullName;
    }

    public string Path { get; }

    public string Write(string fileName, string text)
    {
        var file = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
