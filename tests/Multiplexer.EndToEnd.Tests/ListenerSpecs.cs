using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>The public listener's options: TLS, and the log format operators ship to their log stores.</summary>
public sealed class ListenerSpecs
{
    [Fact]
    public async Task Should_serve_https_with_the_configured_certificate()
    {
        // arrange: a self-signed certificate made for this test
        var directory = Directory.CreateTempSubdirectory("multiplexer-tls-").FullName;
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        await using var host = await MultiplexerHost.StartAsync(new HostConfig
        {
            Extra = $"multiplexer.http.tls {{ certificate = \"{certPath}\", key = \"{keyPath}\" }}",
        });
        X509Certificate2? presented = null;
        using var client = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                presented = cert is null ? null : new X509Certificate2(cert);
                return cert?.Thumbprint == certificate.Thumbprint;
            },
        });

        // act
        var response = await client.GetAsync(new Uri(host.BaseAddress, "/pid"));

        // assert
        Assert.Equal("https", host.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Should_write_one_json_object_per_line_when_logging_format_is_json()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Extra = "multiplexer.logging { format = json }" });

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/echo?json=1")).StatusCode);
        var access = await host.WaitForLogAsync(l => l.Contains("/echo?json=1", StringComparison.Ordinal));

        Assert.All(host.Lines, line =>
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("Timestamp", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("Category", out _), line);
        });
        using var json = JsonDocument.Parse(access);
        var state = json.RootElement.GetProperty("State");
        Assert.Equal("Multiplexer.Access", json.RootElement.GetProperty("Category").GetString());
        Assert.Equal("GET", state.GetProperty("Method").GetString());
        Assert.Equal("200", state.GetProperty("Status").ToString());
        Assert.Equal("1", state.GetProperty("WorkerId").ToString());
    }
}
