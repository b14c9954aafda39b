using System.CommandLine;
using Akka.Configuration;

namespace SignActors.Host.Commands;

/// <summary>`signactors certs --out DIR`: the cluster's own CA and a host certificate for mutual TLS.</summary>
public static class CertsVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var output = new Option<string>("--out") { Description = "folder for ca.pem, ca.key and NAME.pem / NAME.key (an existing CA there is reused)", Required = true };
        var hosts = new Option<string?>("--hosts") { Description = "host names or addresses for the certificate's subject alternative names, comma-separated (peers check the CA, not names)" };
        var name = new Option<string>("--name") { Description = "file name of the host certificate", DefaultValueFactory = _ => "host" };
        var days = new Option<int>("--days") { Description = "validity of the host certificate (the CA gets twice as long)", DefaultValueFactory = _ => 365 };
        var command = new Command("certs", "Make the cluster's own CA and a host certificate for mutual TLS (signactors.cluster.tls), with .NET alone.") { output, hosts, name, days };
        command.SetAction(parse => guard(() =>
        {
            int validity = parse.GetValue(days);
            if (validity is < 1 or > 36_500) throw new ConfigurationException($"--days: {validity} is out of range 1..36500");
            var names = (parse.GetValue(hosts) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var line in Runtime.Cluster.Tls.CertificateAuthority.Write(parse.GetValue(output)!, parse.GetValue(name)!, names, validity, DateTimeOffset.UtcNow)) stdout.WriteLine(line);
            return 0;
        }));
        return command;
    }
}
