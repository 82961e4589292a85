using System.Reflection;
using PrivateFl.Cluster.Rounds;

namespace PrivateFl.Cluster.Tests;

/// <summary>
/// docs/scale-out.md "Rounds on grains" and SECURITY.md "Cohorts" (docs/claims.md C8): what a front end sends to the
/// session and round grains, the only calls that may cross silos in a round, is a join, the reservation, and a report
/// whose one vector is each released cohort's sum. No grain method or message has room for a masked input, a key, a
/// share or a seed, so a change that sent one across silos would have to change these types and fails here.
/// </summary>
public sealed class GrainMessageClaimsTests
{
    private static readonly Assembly Contracts = typeof(ISessionGrain).Assembly;

    [Fact]
    public void RoundGrainsAndMessages_EveryMemberCrossingSilos_NoVectorButTheCohortSum()
    {
        Type[] grains = [.. Contracts.GetTypes().Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && t.Namespace == typeof(ISessionGrain).Namespace)];
        Assert.Equal([typeof(IRoundGrain), typeof(ISessionGrain)], grains.OrderBy(t => t.Name));

        // Every type a round's grain call carries, closed over the messages' members.
        var carried = new HashSet<Type>();
        foreach (MethodInfo method in grains.SelectMany(g => g.GetMethods()))
        {
            foreach (Type type in method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType))
            {
                Collect(type, carried);
            }
        }

        // Each vector (any array but of strings or messages, any memory or other collection) a grain method or a message
        // holds: exactly the cohort's sum.
        string[] vectors =
        [
            .. grains.SelectMany(g => g.GetMethods()).SelectMany(m => m.GetParameters().Where(p => IsVector(p.ParameterType)).Select(p => $"{m.Name}({p.Name})")),
            .. carried.Where(IsMessage).SelectMany(t => t.GetProperties().Where(p => IsVector(p.PropertyType)).Select(p => $"{t.Name}.{p.Name}")),
        ];
        Assert.Equal([$"{nameof(CohortSum)}.{nameof(CohortSum.Sum)}"], vectors);

        // Nothing else: primitives, strings, enums, the round messages and the sum's words.
        Assert.All(carried, t => Assert.True(t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(string[]) || t == typeof(void) || t == typeof(uint[]) || IsMessage(t), $"{t} crosses silos"));
    }

    private static bool IsMessage(Type type) => type.Assembly == Contracts && type.GetCustomAttribute<GenerateSerializerAttribute>() is not null;

    private static bool IsVector(Type type) =>
        (type.IsArray && type != typeof(string[]) && !IsMessage(type.GetElementType()!))
        || (type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(ReadOnlyMemory<>) || d == typeof(Memory<>) || d == typeof(ArraySegment<>)))
        || (typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && type != typeof(string) && !type.IsArray);

    private static void Collect(Type type, HashSet<Type> carried)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>))
        {
            type = type.GetGenericArguments()[0];
        }
        else if (type == typeof(Task))
        {
            return;
        }

        if (type.IsArray && IsMessage(type.GetElementType()!))
        {
            type = type.GetElementType()!;
        }

        if (!carried.Add(type) || !IsMessage(type))
        {
            return;
        }

        foreach (PropertyInfo property in type.GetProperties())
        {
            Collect(property.PropertyType, carried);
        }
    }
}
