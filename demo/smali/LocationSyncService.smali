.class public Lio/mysdk/locationsdk/LocationSyncService;
.super Landroid/app/Service;

.method public onBind(Landroid/content/Intent;)Landroid/os/IBinder;
    .registers 3
    const/4 v0, 0x0
    return-object v0
.end method
