using PrivateFl.ClientSdk.Transport;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>The schema a session carries: a bank uses it only when it hashes to the session's schema hash.</summary>
public sealed class SessionSchemaTests
{
    [Fact]
    public void Read_SchemaThatHashesToTheSessionHash_ReturnsIt()
    {
        var info = new SessionInfo { SessionId = "s", SchemaHash = CreditSchemas.TaiwanCredit.Hash, SchemaJson = CreditSchemas.TaiwanCredit.ToJson() };

        FeatureSchema? schema = SessionSchema.Read(info);

        Assert.Equal(CreditSchemas.TaiwanCredit.ToJson(), schema!.ToJson());
    }

    [Fact]
    public void Read_NoSchema_IsNull()
    {
        Assert.Null(SessionSchema.Read(new SessionInfo { SessionId = "s", SchemaHash = CreditSchemas.GermanCredit.Hash }));
    }

    [Fact]
    public void Read_SchemaThatDoesNotHashToTheSessionHash_ThrowsSchemaMismatch()
    {
        // A server that serves another schema than the one the session's hash names: one range widened.
        string tampered = CreditSchemas.GermanCredit.ToJson().Replace("\"max\":20000", "\"max\":20001", StringComparison.Ordinal);
        var info = new SessionInfo { SessionId = "s", SchemaHash = CreditSchemas.GermanCredit.Hash, SchemaJson = tampered };

        SchemaMismatchException ex = Assert.Throws<SchemaMismatchException>(() => SessionSchema.Read(info));

        Assert.Contains($"not the session's schema hash {CreditSchemas.GermanCredit.Hash}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnreadableSchema_ThrowsSchemaMismatchNamingThePath()
    {
        var info = new SessionInfo { SessionId = "s", SchemaHash = new string('a', 64), SchemaJson = """{"name":"x","version":1,"columns":[{"name":"A","kind":"text"}],"label":{"column":"L","positive":"1","negative":"0"}}""" };

        SchemaMismatchException ex = Assert.Throws<SchemaMismatchException>(() => SessionSchema.Read(info));

        Assert.Contains("$.columns[0].kind", ex.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(ex.InnerException);
    }

    [Fact]
    public void Describe_DifferentSchemas_NamesTheFirstDifference()
    {
        var a = new FeatureSchema("s", 1, [FeatureColumn.Numeric("A", 0, 1), FeatureColumn.Categorical("B", ["x", "y"])], "L", "1", "0");
        var b = new FeatureSchema("s", 1, [FeatureColumn.Numeric("A", 0, 1), FeatureColumn.Categorical("B", ["x", "y"], new Dictionary<string, string> { ["z"] = "x" })], "L", "1", "0");
        var c = new FeatureSchema("s", 1, [FeatureColumn.Numeric("A", 0, 1)], "L", "1", "0");

        Assert.StartsWith("Column 1 differs", SessionSchema.Describe(a, b), StringComparison.Ordinal);
        Assert.Contains("'z'→'x'", SessionSchema.Describe(a, b), StringComparison.Ordinal);
        Assert.Equal("The session's schema has a column the data's does not: 'B' (column 1).", SessionSchema.Describe(a, c));
        Assert.StartsWith("The session's schema is 'taiwan-credit' version 1; the data's is 'german-credit' version 2.", SessionSchema.Describe(CreditSchemas.TaiwanCredit, CreditSchemas.GermanCredit), StringComparison.Ordinal);
    }
}
