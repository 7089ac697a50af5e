
³manifest"packageorg.vigie.seed"G
*http://schemas.android.com/apk/res/androidversionCode5(›„„2:0*g
euses-permission"R
*http://schemas.android.com/apk/res/androidnameandroid.permission.CAMERA(ƒ€„*Z
Xapplication"I
*http://schemas.android.com/apk/res/android
debuggabletrue(€„2:@