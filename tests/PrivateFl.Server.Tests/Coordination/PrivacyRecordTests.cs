using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Server.Coordination;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary>
/// <see cref="PrivacyRecord"/> is stored beside every model and read by the SDK's model card: its JSON must stay the
/// layout the server wrote before it was typed (field names, order, mode as its name).
/// </summary>
public sealed class PrivacyRecordTests
{
    [Property(MaxTest = 200)]
    public Property ToJson_RandomValues_EqualsThePreviousUntypedLayout() =>
        Prop.ForAll(
            Arb.From(
                from doubles in Gen.ArrayOf(Finite(), 11)
                from ints in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), 3)
                from mode in Gen.Elements(DpModeKind.None, DpModeKind.RecordLevel, DpModeKind.ClientLevel)
                select (doubles, ints, mode)),
            c =>
            {
                double[] d = c.doubles;
                var record = new PrivacyRecord(c.mode, d[0], d[1], d[2], d[3], d[4], c.ints[0], d[5], d[6], d[7], c.ints[1], c.ints[2], d[8], d[9], "ddg-rdp");
                string previous = JsonSerializer.Serialize(new
                {
                    mode = c.mode.ToString(),
                    epsilon = d[0],
                    delta = d[1],
                    epsilonBudget = d[2],
                    noiseMultiplier = d[3],
                    samplingRate = d[4],
                    releasedRounds = c.ints[0],
                    clipNorm = d[5],
                    quantizationScale = d[6],
                    sensitivity = d[7],
                    threshold = c.ints[1],
                    minimumSurvivors = c.ints[2],
                    clientNoiseSigma = d[8],
                    discretenessTau = d[9],
                    accountant = "ddg-rdp",
                });
                return record.ToJson() == previous;
            });

    [Fact]
    public void For_DpSession_TakesEpsilonAndTheRoundsParametersFromThePrivacyPlan()
    {
        SessionDefinition definition = TestSessions.Definition(maximumClients: 10, dp: DpModeKind.ClientLevel);

        var record = PrivacyRecord.For(definition, participants: 10, threshold: 6, releasedRounds: 3);

        Assert.Equal(PrivacyPlan.EpsilonAfter(definition, 3), record.Epsilon);
        Assert.Equal(PrivacyPlan.MinimumSurvivors(definition, 10, 6), record.MinimumSurvivors);
        Assert.Equal(PrivacyPlan.ClientSigma(definition, 10, 6), record.ClientNoiseSigma);
        Assert.Equal((3, 6, DpModeKind.ClientLevel), (record.ReleasedRounds, record.Threshold, record.Mode));
    }

    private static Gen<double> Finite() =>
        from numerator in Gen.Choose(int.MinValue, int.MaxValue)
        from denominator in Gen.Choose(1, int.MaxValue)
        from exponent in Gen.Choose(-20, 20)
        select numerator / (double)denominator * Math.Pow(10, exponent);
}
