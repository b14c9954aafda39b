using NLog;
using NLog.Config;
using NLog.Targets;

namespace SignActors.Runtime.Logging;

/// <summary>
/// NLog for a run: everything at the configured level to the run's log file; warnings and errors
/// of SignActors' own actors also to stderr (Akka's internal detail stays in the file).
/// </summary>
public static class LogSetup
{
    static readonly Microsoft.Extensions.Logging.ILoggerFactory Factory = new NLog.Extensions.Logging.NLogLoggerFactory();

    /// <summary>A Microsoft.Extensions.Logging logger for the host's own lines (the same NLog rules as Akka's log).</summary>
    public static Microsoft.Extensions.Logging.ILogger Logger(string category) => Factory.CreateLogger(category);

    public static void ForRun(string logFile, string level)
    {
        var config = new LoggingConfiguration();
        var file = new FileTarget("file")
        {
            FileName = logFile,
            Layout = "${longdate} ${level:uppercase=true:padding=-5} ${logger:shortName=true} ${message}${onexception:inner= ${exception:format=toString}}",
        };
        var console = new ConsoleTarget("console") { Layout = "${level:uppercase=true}: ${message}", StdErr = true };
        config.AddRule(Parse(level), NLog.LogLevel.Fatal, file);
        // The console hears SignActors' own actors and the host; Akka's internals (remoting, cluster, shutdown) speak to the file only.
        var ours = new LoggingRule("*", NLog.LogLevel.Warn, NLog.LogLevel.Fatal, console) { FilterDefaultAction = NLog.Filters.FilterResult.Log };
        ours.Filters.Add(new NLog.Filters.ConditionBasedFilter { Condition = "not contains('${logger}', '/user/') and '${logger}' != 'run'", Action = NLog.Filters.FilterResult.Ignore });
        config.LoggingRules.Add(ours);
        LogManager.Configuration = config;
    }

    /// <summary>The same level for Akka's loggers.</summary>
    public static Akka.Event.LogLevel AkkaLevel(string level) => level switch
    {
        "debug" => Akka.Event.LogLevel.DebugLevel,
        "warning" => Akka.Event.LogLevel.WarningLevel,
        "error" => Akka.Event.LogLevel.ErrorLevel,
        _ => Akka.Event.LogLevel.InfoLevel,
    };

    public static void Shutdown() => LogManager.Shutdown();

    static NLog.LogLevel Parse(string level) => level switch
    {
        "debug" => NLog.LogLevel.Debug,
        "warning" => NLog.LogLevel.Warn,
        "error" => NLog.LogLevel.Error,
        _ => NLog.LogLevel.Info,
    };
}
