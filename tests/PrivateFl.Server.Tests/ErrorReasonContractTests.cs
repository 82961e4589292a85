extern alias sdk;

using System.Reflection;
using System.Text.RegularExpressions;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Security;
using RpcErrorTranslator = sdk::PrivateFl.ClientSdk.Transport.RpcErrorTranslator;

namespace PrivateFl.Server.Tests;

/// <summary>
/// Issue 12: one contract of refusal reasons. The reasons the server can send, the reasons the SDK maps and the table of
/// specs/api.md ("Statuses") are the same set, and the table's "SDK throws" column is what the SDK throws.
/// </summary>
public sealed partial class ErrorReasonContractTests
{
    [Fact]
    public void Reasons_ServerSdkAndSpec_SameSet()
    {
        string[] server = [.. ServerReasons().Order(StringComparer.Ordinal)];
        string[] spec = [.. SpecTable().Keys.Order(StringComparer.Ordinal)];
        string[] sdk = [.. RpcErrorTranslator.KnownReasons.Keys.Order(StringComparer.Ordinal)];

        Assert.Equal(server, spec);
        Assert.Equal(server, sdk);
        Assert.Equal(server.Length, server.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void SpecTable_EveryReason_NamesTheExceptionTheSdkThrows()
    {
        Assert.All(SpecTable(), row => Assert.Equal(row.Value, ExceptionName(RpcErrorTranslator.KnownReasons[row.Key])));
    }

    [Fact]
    public void ErrorReasons_Domain_IsTheSdksDomain()
    {
        Assert.Equal(RpcErrorTranslator.Domain, ErrorReasons.Domain);
    }

    private static IEnumerable<string> ServerReasons() =>
        new[] { typeof(ErrorReasons), typeof(CallRefusals) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.Name is not nameof(ErrorReasons.Domain) and not nameof(ErrorReasons.ViolationKey))
            .Select(f => (string)f.GetRawConstantValue()!);

    /// <summary>Reason → the first exception named in the "SDK throws" column of specs/api.md's reason table.</summary>
    private static Dictionary<string, string> SpecTable()
    {
        string spec = File.ReadAllText(SpecPath());
        string statuses = spec[spec.IndexOf("\n## Statuses", StringComparison.Ordinal)..];
        statuses = statuses[..statuses.IndexOf("\n## ", 2, StringComparison.Ordinal)];
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match row in ReasonRow().Matches(statuses))
        {
            table.Add(row.Groups["reason"].Value, row.Groups["exception"].Value);
        }

        return table;
    }

    private static string ExceptionName(RpcErrorTranslator.FailureKind kind) => kind switch
    {
        RpcErrorTranslator.FailureKind.Unavailable => "ServerUnavailableException",
        RpcErrorTranslator.FailureKind.SessionEnded => "SessionEndedException",
        RpcErrorTranslator.FailureKind.SchemaMismatch => "SchemaMismatchException",
        RpcErrorTranslator.FailureKind.Rejected => "ClientRejectedException",
        _ => "ServerErrorException",
    };

    private static string SpecPath()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PrivateFl.sln")))
            {
                return Path.Combine(directory.FullName, "specs", "api.md");
            }
        }

        throw new InvalidOperationException("The repository root (PrivateFl.sln) was not found above the test output directory.");
    }

    [GeneratedRegex(@"^\| `(?<reason>[A-Z_]+)` \|[^|]+\|[^|]+\| `(?<exception>\w+Exception)`", RegexOptions.Multiline)]
    private static partial Regex ReasonRow();
}
