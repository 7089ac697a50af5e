.class public final Lorg/vigie/demo/prayertimes/PrayerCalculator;
.super Ljava/lang/Object;

.method public static fajrAngle()D
    .registers 2
    const-wide/high16 v0, 0x4032000000000000L    # 18.0
    return-wide v0
.end method
