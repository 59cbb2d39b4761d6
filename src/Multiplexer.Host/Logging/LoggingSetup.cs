using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Console;
using Multiplexer.Actors.Config;

namespace Multiplexer.Host.Logging;

/// <summary>
/// Logging: one pipeline for the host's, the access log's and Akka's lines, written to stdout in batches.
/// Configured here: one line per entry as text, as JSON, or in systemd's format under systemd.
/// </summary>
internal static class LoggingSetup
{
    public static void Configure(ILoggingBuilder logging, LoggingSettings settings)
    {
        logging.ClearProviders();
        // The console logger's registration brings its formatters and their options; its provider,
        // which wakes a thread and writes for every line, is replaced by the batched one.
        if (settings.Format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else if (SystemdHelpers.IsSystemdService())
        {
            // The journal adds timestamps; systemd's format prefixes each line with its syslog priority.
            logging.AddSystemdConsole();
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
        logging.Services.RemoveAll<ILoggerProvider>();
        logging.Services.AddSingleton<ILoggerProvider, BatchedConsoleLoggerProvider>();
        logging.SetMinimumLevel(MinimumLevel(settings.Level));
        // The forwarder logs two lines per request at Information; the access log says it in one.
        logging.AddFilter("Yarp", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Hosting logs each request's start and end (the access log's job); while its category is enabled at
        // all, it also starts an Activity and a log scope for every request, which no one reads.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
    }

    public static LogLevel MinimumLevel(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => LogLevel.Information,
    };

    public static Akka.Event.LogLevel AkkaLevel(string level) => level switch
    {
        "trace" or "debug" => Akka.Event.LogLevel.DebugLevel,
        "warning" => Akka.Event.LogLevel.WarningLevel,
        "error" => Akka.Event.LogLevel.ErrorLevel,
        _ => Akka.Event.LogLevel.InfoLevel,
    };
}
